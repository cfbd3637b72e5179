import { now, shiftTo } from '../../functions/adapters/clock';
import { get, put, queryAll } from '../../functions/adapters/table';
import {
  type ChildSummary,
  keys,
  type OutboxEffect,
  type OutboxItem,
  type StoredRecord,
} from '../../functions/core/model';
import { outboxItemFor, recordItem } from './records';

/**
 * Outbox items and their records written straight into the table (no engine, no API), for the tests that drive
 * the outbox worker themselves: the record is at `stage`, and one pending item, due now by this process's
 * clock, asks for `effect`. `ref` is how mails and file names quote the record.
 */
export async function seedOutboxItem(stage: string, payload: unknown, effect: OutboxEffect, version = 1) {
  const record = recordItem({ stage, payload, version, at: now() });
  const item = outboxItemFor(record, effect, now());
  await put(record as unknown as Record<string, unknown>);
  await put(item as unknown as Record<string, unknown>);
  return { record, item, ref: record.id.slice(0, 8) };
}

export const loadRecord = async (id: string) => (await get(keys.record(id))) as unknown as StoredRecord;
export const loadItem = async (id: string) => (await get(keys.outbox(id))) as unknown as OutboxItem;

/** Move this process's clock just past the item's next attempt. */
export async function untilNextAttempt(id: string) {
  const item = await loadItem(id);
  shiftTo(new Date(Math.max(now().getTime(), Date.parse(item.nextAttemptAt)) + 1000));
}

/** The pending outbox items of these records, found as the poll finds them (the `outbox` index). */
export async function pendingItemsOf(recordIds: string[]): Promise<OutboxItem[]> {
  const pending = (await queryAll({
    index: 'outbox',
    partition: keys.outboxPending,
  })) as unknown as OutboxItem[];
  return pending.filter((item) => recordIds.includes(item.recordId));
}

/** The children a record has, by the summaries kept under it. */
export async function childrenOf(parentId: string): Promise<ChildSummary[]> {
  return (await queryAll({
    partition: keys.record(parentId).pk,
    sort: { beginsWith: keys.childPrefix },
  })) as unknown as ChildSummary[];
}
