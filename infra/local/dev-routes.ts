import type { HttpRoute } from '../../functions/manifest';

/**
 * Routes that exist only under `npm start` (API.md, "Local mode only"). They are deliberately outside
 * functions/manifest.ts, from which the CDK stack builds the API, so no deployment routes them.
 */
export const devRoutes: HttpRoute[] = [
  { method: 'POST', path: '/dev/token', handler: 'api/dev/token' },
  { method: 'GET', path: '/dev/mailbox', handler: 'api/dev/mailbox' },
  { method: 'POST', path: '/dev/clock', handler: 'api/dev/clock-set' },
  { method: 'DELETE', path: '/dev/clock', handler: 'api/dev/clock-reset' },
  { method: 'POST', path: '/dev/run/{worker}', handler: 'api/dev/run-worker' },
];
