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

export const httpRoutes: HttpRoute[] = [{ method: 'GET', path: '/healthz', handler: 'api/health' }];

export const scheduledWorkers: ScheduledWorker[] = [];
