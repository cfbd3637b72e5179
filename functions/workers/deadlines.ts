import type { Context } from 'aws-lambda';
import { checkDeadlines, type DeadlineSummary } from '../core/deadlines';
import { logger } from '../logger';

/**
 * The deadline worker: a daily schedule (09:00 in the instance's time zone) in AWS; under `npm start` the local
 * timer and `POST /dev/run/deadlines` call `run()`. Reminders and escalations go out through the outbox.
 */

const SAFETY_MS = 10_000;

export async function handler(_event: unknown, context?: Context): Promise<DeadlineSummary> {
  const deadline = context
    ? Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MS)
    : undefined;
  const summary = await checkDeadlines({ deadline });
  logger.info('Deadline run', { ...summary });
  return summary;
}

/** One run, now. */
export async function run(): Promise<DeadlineSummary> {
  return checkDeadlines();
}
