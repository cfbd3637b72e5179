import type { AppError } from '../core/errors';
import { linkAction, linkErrorPage, linkLanding } from './link-landing';
import { errorPageOf, pageHandler } from './page-handler';

/**
 * GET /l/{token} and POST /l/{token}/actions/{action}: the page a party's link opens and the party's steps from
 * it. No-referrer, so the token in these addresses never leaves in a Referer header; strict CSP; no framing.
 */
export const handler = pageHandler(
  {
    'GET /l/{token}': ({ path, query }) => linkLanding(path.token ?? '', query),
    'POST /l/{token}/actions/{action}': ({ path, event }) =>
      linkAction(path.token ?? '', path.action ?? '', event),
  },
  async (error: AppError) =>
    error.code === 'unauthenticated' || error.code === 'not-found' || error.code === 'forbidden'
      ? linkErrorPage(error)
      : errorPageOf(error, 'no-referrer'),
);
