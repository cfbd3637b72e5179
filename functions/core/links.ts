import { createHash, randomBytes } from 'node:crypto';
import { AppError } from './errors';
import { keys, type StoredLink } from './model';

/**
 * Party links (API.md, "Who is calling"): a random token of 256 bits, of which only the SHA-256 hash is stored;
 * bound to one record, one party with their email, and a set of actions; valid until `validUntil`.
 */

/** Kept a while after expiry so an old link says "expired" (401) rather than "unknown"; then TTL removes it. */
const KEEP_AFTER_EXPIRY_DAYS = 90;

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The stored item of a new link (to be written in the caller's transaction) and the token to hand out. */
export function newLink(input: {
  recordId: string;
  kind: string;
  party: string;
  email: string;
  actions: string[];
  now: Date;
  ttlDays: number;
  /** The record's own retention end, if any: a link never outlives its record. */
  recordExpiresAt?: number;
  /** An instant the link stays valid at least until, when later than `ttlDays` (a route's implementation). */
  validAtLeastUntil?: string;
}): { token: string; item: StoredLink; ref: LinkRef } {
  const token = newLinkToken();
  const hash = hashLinkToken(token);
  const usual = input.now.getTime() + input.ttlDays * 86_400_000;
  const atLeast = input.validAtLeastUntil ? Date.parse(input.validAtLeastUntil) : Number.NaN;
  const validUntil = new Date(Number.isFinite(atLeast) && atLeast > usual ? atLeast : usual);
  let expiresAt = Math.floor(validUntil.getTime() / 1000) + KEEP_AFTER_EXPIRY_DAYS * 86_400;
  if (input.recordExpiresAt) expiresAt = Math.min(expiresAt, input.recordExpiresAt);
  return {
    token,
    item: {
      ...keys.link(hash),
      type: 'link',
      id: hash.slice(0, 16),
      recordId: input.recordId,
      kind: input.kind,
      party: input.party,
      email: input.email,
      actions: input.actions,
      createdAt: input.now.toISOString(),
      validUntil: validUntil.toISOString(),
      expiresAt,
    },
    // Written with the link (same transaction or right after): retention deletes the links of a record by it.
    ref: { ...keys.linkRef(input.recordId, hash), type: 'link-ref', expiresAt },
  };
}

/** The record's note of one of its links (model.ts `keys.linkRef`). */
export interface LinkRef {
  pk: string;
  sk: string;
  type: 'link-ref';
  expiresAt: number;
}

/** Tokens are base64url of 32 bytes; anything else is refused before touching storage. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function checkLinkValid(link: StoredLink | undefined, now: Date): StoredLink {
  if (!link)
    throw new AppError('unauthenticated', 'Ссылка недействительна. Проверьте, что она скопирована полностью');
  if (Date.parse(link.validUntil) <= now.getTime()) {
    throw new AppError(
      'unauthenticated',
      'Срок действия ссылки истёк. Запросите новую ссылку у методического центра',
    );
  }
  return link;
}
