import { httpHandler } from '../http/handler';
import { linkLanding } from './link-landing';

/**
 * GET /l/{token}. No-referrer, so the token in this page's address never leaves in a Referer header; a strict
 * CSP without scripts; the page must not be framed.
 */
export const handler = httpHandler({}, async ({ path }) => {
  const page = await linkLanding(path.token ?? '');
  return {
    status: page.status,
    body: page.html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'referrer-policy': 'no-referrer',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    },
  };
});
