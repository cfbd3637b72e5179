import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { TABLE_DEFINITION } from '../adapters/table-definition';
import { type OutboxSummary, pollOutbox, processOutboxItems } from '../core/outbox';
import { logger } from '../logger';

/**
 * The outbox worker (DESIGN.md, "The path of one submission"). In AWS the table stream invokes it with the
 * outbox items just inserted, and a schedule every few minutes polls for anything due (retries, and whatever
 * the stream missed); under `npm start` the local timer and `POST /dev/run/outbox` call `run()`.
 */

/** Reserve for finishing the items in hand before Lambda's timeout; no new item is claimed after this. */
const SAFETY_MS = 15_000;

const OUTBOX_PREFIX = 'OUTBOX#';

function isStreamEvent(event: unknown): event is DynamoDBStreamEvent {
  return Array.isArray((event as { Records?: unknown })?.Records);
}

/** Ids of the outbox items in a stream batch (the event source filters to inserts of outbox items; checked again). */
export function outboxIdsOf(event: DynamoDBStreamEvent): string[] {
  const pkName = TABLE_DEFINITION.partitionKey.name;
  return event.Records.flatMap((record) => {
    const pk = record.dynamodb?.Keys?.[pkName]?.S;
    if (record.eventName !== 'INSERT' || !pk?.startsWith(OUTBOX_PREFIX)) return [];
    return [pk.slice(OUTBOX_PREFIX.length)];
  });
}

export async function handler(event: unknown, context?: Context): Promise<OutboxSummary> {
  const deadline = context
    ? Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MS)
    : undefined;
  const source = isStreamEvent(event) ? 'stream' : 'schedule';
  // A failed item is recorded on the item itself and retried by the poll, so a batch is never failed back to
  // the stream for it; only an infrastructure error (the table unreachable) throws and is retried by Lambda.
  const summary = isStreamEvent(event)
    ? await processOutboxItems(outboxIdsOf(event))
    : await pollOutbox({ deadline });
  logger.info('Outbox run', { source, ...summary });
  return summary;
}

/** One poll, now (local timer and POST /dev/run/outbox). */
export async function run(): Promise<OutboxSummary> {
  return pollOutbox();
}
