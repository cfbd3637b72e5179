import { verifyStaffToken } from '../adapters/identity';
import { config } from '../config';
import { ANONYMOUS, type Caller } from '../core/caller';
import { AppError } from '../core/errors';
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
  // A cookie rides along with any request the browser makes, even one a foreign page triggers: a state-changing
  // request authenticated by the cookie alone must come from a page of this service (CSRF).
  if (!bearer && session && !SAFE_METHODS.has(method.toUpperCase())) assertSameOrigin(headers);
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF check for cookie-authenticated and sign-in requests: the browser's `Origin` (or, when it is absent or
 * `null`, `Sec-Fetch-Site`) must name this service — the host the request was sent to, or the instance's public URL.
 * A request with neither header did not come from a current browser page and is refused.
 */
export function assertSameOrigin(headers: Record<string, string | undefined>): void {
  const origin = headers.origin;
  const host = headers['x-forwarded-host'] ?? headers.host;
  if (origin && origin !== 'null') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    const publicUrl = config().instance.publicUrl;
    const publicHost = publicUrl ? new URL(publicUrl).host : undefined;
    if (originHost && (originHost === host || originHost === publicHost)) return;
  } else if (headers['sec-fetch-site'] === 'same-origin') {
    // Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` even for its own form posts.
    return;
  }
  throw new AppError(
    'forbidden',
    'Запрос отклонён: он отправлен не со страницы сервиса. Откройте страницу заново и повторите',
  );
}

/** Scope of an `Idempotency-Key`: the same key from two callers or on two routes are different requests. */
export function idempotencyScope(routeKey: string, caller: Caller): string {
  const who = caller.type === 'staff' ? caller.sub : caller.type === 'link' ? caller.linkId : 'anonymous';
  return `${routeKey}#${who}`;
}

/**
 * Where a request came from, as API Gateway saw it: kept as evidence of an online answer (a teacher's consent:
 * time, IP address, user agent; the engine adds the link id). Never logged.
 */
export function requestMeta(event: {
  requestContext?: { http?: { sourceIp?: string; userAgent?: string } };
}): { ip?: string; userAgent?: string } {
  const http = event.requestContext?.http;
  return {
    ...(http?.sourceIp ? { ip: http.sourceIp } : {}),
    ...(http?.userAgent ? { userAgent: http.userAgent.slice(0, 500) } : {}),
  };
}
