import { verifyStaffToken } from '../adapters/identity';
import { ANONYMOUS, type Caller } from '../core/caller';
import type { LinkParty } from '../core/kind';
import { findLink } from '../core/records';

/**
 * Who is calling (API.md): a staff bearer token or the `session` cookie of the sign-in page; else a party link
 * token (`X-Link-Token`, or `?token=` on GET); else anonymous. A credential that is present but invalid is a 401,
 * never a silent downgrade to anonymous.
 */
export async function resolveCaller(
  headers: Record<string, string | undefined>,
  query: Record<string, string | undefined>,
  cookies: string[] | undefined,
  method: string,
): Promise<Caller> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const session = cookies?.map((c) => /^session=(.+)$/.exec(c)?.[1]).find((v): v is string => Boolean(v));
  const staffToken = bearer ?? session;
  if (staffToken) {
    const staff = await verifyStaffToken(staffToken);
    return { type: 'staff', ...staff };
  }
  const linkToken = headers['x-link-token'] ?? (method === 'GET' ? query.token : undefined);
  if (linkToken) {
    const link = await findLink(linkToken);
    return {
      type: 'link',
      linkId: link.id,
      recordId: link.recordId,
      kind: link.kind,
      party: link.party as LinkParty,
      email: link.email,
      actions: link.actions,
      validUntil: link.validUntil,
    };
  }
  return ANONYMOUS;
}

/** Scope of an `Idempotency-Key`: the same key from two callers or on two routes are different requests. */
export function idempotencyScope(routeKey: string, caller: Caller): string {
  const who = caller.type === 'staff' ? caller.sub : caller.type === 'link' ? caller.linkId : 'anonymous';
  return `${routeKey}#${who}`;
}
