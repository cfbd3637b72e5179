/**
 * What the deployment is made of: HTTP routes and scheduled workers, each pointing at a handler module under
 * functions/. The CDK stateless stack creates one function per handler and one API route per entry; the local
 * gateway (infra/local) routes the same table. Local-only routes (/dev/*) are NOT here: they live in
 * infra/local/dev-routes.ts, so the AWS build cannot route them.
 */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: `/v1/submissions/{id}`. */
  path: string;
  /** Module path relative to functions/, without extension; it exports `handler`. */
  handler: string;
}

export interface ScheduledWorker {
  name: string;
  handler: string;
  /**
   * When it runs in AWS: a rate in minutes, or a daily time in the instance's time zone
   * (EventBridge Scheduler takes the zone, so 09:00 stays 09:00 local).
   */
  schedule: { everyMinutes: number } | { dailyAt: string };
  /** The function also consumes the table stream, filtered to outbox items. */
  tableStream?: boolean;
}

export const httpRoutes: HttpRoute[] = [
  { method: 'GET', path: '/healthz', handler: 'api/health' },
  { method: 'GET', path: '/openapi.json', handler: 'api/openapi' },
  { method: 'GET', path: '/v1/forms', handler: 'api/forms-list' },
  { method: 'GET', path: '/v1/forms/{kind}', handler: 'api/form-get' },
  { method: 'POST', path: '/v1/submissions/{id}', handler: 'api/submission-create' },
  { method: 'GET', path: '/v1/submissions', handler: 'api/submissions-list' },
  { method: 'GET', path: '/v1/submissions/{id}', handler: 'api/submission-get' },
  { method: 'POST', path: '/v1/submissions/{id}/actions/{action}', handler: 'api/submission-action' },
  { method: 'GET', path: '/v1/submissions/{id}/history', handler: 'api/submission-history' },
  { method: 'GET', path: '/v1/submissions/{id}/documents/{docId}', handler: 'api/submission-document' },
  { method: 'GET', path: '/v1/links/{token}', handler: 'api/link-get' },
  { method: 'GET', path: '/v1/reports/diagnostics', handler: 'api/report-diagnostics' },
  { method: 'GET', path: '/v1/registry/internship-sites', handler: 'api/registry-internship-sites' },
  // Web pages (functions/web): four handler modules, each serving several routes.
  { method: 'GET', path: '/', handler: 'web/forms' },
  { method: 'GET', path: '/forms/{kind}', handler: 'web/forms' },
  { method: 'POST', path: '/forms/{kind}', handler: 'web/forms' },
  { method: 'GET', path: '/l/{token}', handler: 'web/link-page' },
  { method: 'POST', path: '/l/{token}/actions/{action}', handler: 'web/link-page' },
  { method: 'GET', path: '/staff', handler: 'web/staff' },
  { method: 'GET', path: '/staff/sign-in', handler: 'web/staff' },
  { method: 'POST', path: '/staff/sign-in', handler: 'web/staff' },
  { method: 'POST', path: '/staff/sign-out', handler: 'web/staff' },
  { method: 'GET', path: '/staff/callback', handler: 'web/staff' },
  { method: 'GET', path: '/staff/records/{id}', handler: 'web/staff' },
  { method: 'POST', path: '/staff/records/{id}/actions/{action}', handler: 'web/staff' },
  { method: 'GET', path: '/staff/forms/{kind}', handler: 'web/staff' },
  { method: 'POST', path: '/staff/forms/{kind}', handler: 'web/staff' },
  { method: 'GET', path: '/staff/reports', handler: 'web/staff' },
  { method: 'GET', path: '/assets/{file}', handler: 'web/assets' },
];

export const scheduledWorkers: ScheduledWorker[] = [
  { name: 'outbox', handler: 'workers/outbox', schedule: { everyMinutes: 5 }, tableStream: true },
  { name: 'deadlines', handler: 'workers/deadlines', schedule: { dailyAt: '09:00' } },
];
