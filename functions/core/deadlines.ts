import { findKind } from '../../forms/registry';
import { now as clockNow } from '../adapters/clock';
import { TransactionRefusedError } from '../adapters/storage-errors';
import * as table from '../adapters/table';
import { config } from '../config';
import { logger } from '../logger';
import { calendarOf, momentOf, nextNoticeMoment, noticeMomentOf } from './calendar';
import { applySystemAction, purgeMoment, stateOf, updateExpression } from './engine';
import type { InstanceSettings } from './instance-settings';
import type { StageDefinition } from './kind';
import { keys, newOutboxItem, type OutboxItem, type StoredRecord } from './model';
import { purgeRecord } from './retention';

/**
 * The deadline worker's core. Records with something to check carry `duePk = OPEN` and `dueSk = <instant>#<id>`
 * (the sparse GSI `due`): the engine sets the instant when a stage is entered — the deadline or the stage's timed
 * moment, whichever is earlier — and this module moves it on. No scans: one key-condition query for the records
 * whose instant has come.
 *
 * For each such record, in this order:
 *   1. a timed stage whose moment has passed → the system takes the stage's action (A4 3.11: the status expires);
 *   2. the deadline passed and no reminder yet → remind whoever must act (the stage's `responsible`);
 *   3. reminded, and the end of the next working day after the deadline passed, no escalation yet → escalate to
 *      the supervisor mailbox;
 *   4. a timed notice of the stage whose moment has come and which is not yet sent → queue its mails (90 days
 *      before an internship site's status ends), the same way: the key joins `noticesSent` in the transaction
 *      that queues the outbox item, so each notice goes once per entry into the stage.
 * Before all that, a record whose retention has ended (it stays in the index at its `expiresAt`) is deleted for
 * good with its items and documents (core/retention.ts; A3 4.5.4).
 * A reminder or an escalation is ONE transaction: the record's mark (conditioned on the mark being absent and the
 * version unchanged) together with the outbox item that mails it, so however often and however concurrently the
 * worker runs, a stage gets exactly one reminder and one escalation; the engine clears both marks on the next
 * stage change.
 */

export interface DeadlineSummary {
  /** Records read from the index. */
  checked: number;
  /** Timed actions taken. */
  timed: number;
  /** Timed notices queued. */
  noticed: number;
  /** Records whose retention ended, deleted with their items and documents (A3 4.5.4, core/retention.ts). */
  purged: number;
  reminded: number;
  escalated: number;
  /** Records whose next check was moved (or removed) without anything to send. */
  rescheduled: number;
  /** Checks that failed (logged; the record stays in the index and is tried on the next run). */
  failed: number;
  /** Records another worker (or an action) changed first. */
  skipped: number;
}

export type DeadlineOutcome = Exclude<keyof DeadlineSummary, 'checked'> | 'none';

const POLL_PAGE = 50;
const POLL_MAX_RECORDS = 500;

/** When an unanswered reminder is escalated: the end of the next working day after the deadline's day. */
export function escalationMoment(dueAt: string, settings: InstanceSettings): string {
  const calendar = calendarOf(settings);
  return calendar.deadlineEndOfDay(calendar.addWorkingDays(calendar.localDate(dueAt), 1));
}

function timedMoment(
  stage: StageDefinition<unknown>,
  record: StoredRecord,
  settings: InstanceSettings,
): string | undefined {
  const at = stage.timed?.at(stateOf(record));
  return at ? momentOf(at, settings) : undefined;
}

function earliest(...moments: (string | undefined)[]): string | undefined {
  return moments.filter((m): m is string => Boolean(m)).sort()[0];
}

/** The next instant this record needs a look, given which marks it carries. */
function nextCheck(
  stage: StageDefinition<unknown>,
  record: StoredRecord,
  timedAt: string | undefined,
  settings: InstanceSettings,
): string | undefined {
  // A final record with a retention end is looked at once more, to be deleted (core/retention.ts).
  if (stage.final) return record.expiresAt ? purgeMoment(record.expiresAt) : undefined;
  let deadline: string | undefined;
  if (record.dueAt && !record.remindedAt) deadline = record.dueAt;
  else if (record.dueAt && !record.escalatedAt) deadline = escalationMoment(record.dueAt, settings);
  const noticeAt = nextNoticeMoment(stage, stateOf(record), settings, record.noticesSent);
  return earliest(deadline, timedAt, noticeAt);
}

function dueIndex(
  record: StoredRecord,
  next: string | undefined,
): { set: Record<string, string>; remove: string[] } {
  return next
    ? { set: { duePk: keys.duePk, dueSk: `${next}#${record.id}` }, remove: [] }
    : { set: {}, remove: ['duePk', 'dueSk'] };
}

/** Deterministic, so a second transaction for the same reminder collides on the key as well as on the mark. */
export function reminderItemId(
  record: Pick<StoredRecord, 'id' | 'version'>,
  to: 'responsible' | 'supervisor',
): string {
  return `${record.id}.${to === 'responsible' ? 'reminder' : 'escalation'}.v${record.version}`;
}

function reminderItem(record: StoredRecord, to: 'responsible' | 'supervisor', now: Date): OutboxItem {
  const effect = { type: 'reminder' as const, stage: record.stage, to, version: record.version };
  return newOutboxItem(record, effect, now, reminderItemId(record, to));
}

/** The record is still as we read it: same version and stage, and the mark we are about to set is absent. */
function unchanged(record: StoredRecord, absent?: 'remindedAt' | 'escalatedAt'): table.Expression {
  const names: Record<string, string> = { '#version': 'version', '#stage': 'stage' };
  let expression = '#version = :version AND #stage = :stage';
  if (absent) {
    names['#mark'] = absent;
    expression += ' AND attribute_not_exists(#mark)';
  }
  return { expression, names, values: { ':version': record.version, ':stage': record.stage } };
}

/** Deterministic per record, stage entry and key, so a second worker collides on the outbox key as well. */
export function noticeItemId(record: Pick<StoredRecord, 'id' | 'enteredAt'>, key: string): string {
  return `${record.id}.notice.${key}.${record.enteredAt}`;
}

/** The key of a notice whose moment has come and which has not gone yet, if any. */
function dueNotice(
  stage: StageDefinition<unknown>,
  record: StoredRecord,
  settings: InstanceSettings,
  nowIso: string,
): string | undefined {
  if (!stage.notices || stage.final) return undefined;
  const sent = record.noticesSent ?? [];
  return stage
    .notices(stateOf(record), settings)
    .filter((n) => !sent.includes(n.key) && noticeMomentOf(n.at, settings) <= nowIso)
    .sort((a, b) => (noticeMomentOf(a.at, settings) < noticeMomentOf(b.at, settings) ? -1 : 1))[0]?.key;
}

async function queueNotice(
  record: StoredRecord,
  stage: StageDefinition<unknown>,
  timedAt: string | undefined,
  key: string,
  now: Date,
  settings: InstanceSettings,
): Promise<boolean> {
  const sent = [...(record.noticesSent ?? []), key];
  const next = nextCheck(stage, { ...record, noticesSent: sent }, timedAt, settings);
  const index = dueIndex(record, next);
  const effect = { type: 'notice' as const, stage: record.stage, key, version: record.version };
  const item = newOutboxItem(record, effect, now, noticeItemId(record, key));
  return transact([
    {
      update: keys.record(record.id),
      set: updateExpression({ noticesSent: sent, ...index.set }, index.remove),
      condition: unchanged(record),
    },
    { put: item as unknown as table.Item, condition: { expression: 'attribute_not_exists(pk)' } },
  ]);
}

async function transact(items: table.TransactItem[]): Promise<boolean> {
  try {
    await table.transactWrite(items);
    return true;
  } catch (error) {
    // Someone else reminded first, or the record changed under us: nothing to do this time.
    if (error instanceof TransactionRefusedError) return false;
    throw error;
  }
}

async function markAndQueue(
  record: StoredRecord,
  stage: StageDefinition<unknown>,
  timedAt: string | undefined,
  to: 'responsible' | 'supervisor',
  now: Date,
  settings: InstanceSettings,
): Promise<boolean> {
  const mark = to === 'responsible' ? 'remindedAt' : 'escalatedAt';
  const at = now.toISOString();
  const next = nextCheck(stage, { ...record, [mark]: at }, timedAt, settings);
  const index = dueIndex(record, next);
  return transact([
    {
      update: keys.record(record.id),
      set: updateExpression({ [mark]: at, ...index.set }, index.remove),
      condition: unchanged(record, mark),
    },
    {
      put: reminderItem(record, to, now) as unknown as table.Item,
      condition: { expression: 'attribute_not_exists(pk)' },
    },
  ]);
}

/** Check one record read from the index (or by id); what was done. */
export async function checkRecord(record: StoredRecord, now: Date = clockNow()): Promise<DeadlineOutcome> {
  // Retention ended (read with expired items included): delete it, its items and documents for good.
  if (record.expiresAt !== undefined && record.expiresAt * 1000 <= now.getTime()) {
    try {
      await purgeRecord(record);
      return 'purged';
    } catch (error) {
      logger.error('Retention purge failed', {
        recordId: record.id,
        kind: record.kind,
        error: error instanceof Error ? error.name : 'Unknown',
      });
      return 'failed';
    }
  }
  const settings = config().instance;
  const kind = findKind(record.kind);
  const stage = kind?.stages[record.stage];
  if (!kind || !stage) {
    logger.error('Deadline check for an undeclared kind or stage', {
      recordId: record.id,
      kind: record.kind,
      stage: record.stage,
    });
    return 'failed';
  }
  const nowIso = now.toISOString();
  const timedAt = timedMoment(stage, record, settings);

  if (stage.timed && timedAt && timedAt <= nowIso) {
    try {
      await applySystemAction(record.id, stage.timed.action, {});
      return 'timed';
    } catch (error) {
      logger.error('Timed action failed', {
        recordId: record.id,
        kind: record.kind,
        stage: record.stage,
        action: stage.timed.action,
        error: error instanceof Error ? error.name : 'Unknown',
        code: (error as { code?: string }).code,
      });
      return 'failed';
    }
  }
  if (!stage.final && record.dueAt && record.dueAt <= nowIso && !record.remindedAt) {
    return (await markAndQueue(record, stage, timedAt, 'responsible', now, settings))
      ? 'reminded'
      : 'skipped';
  }
  if (
    !stage.final &&
    record.dueAt &&
    record.remindedAt &&
    !record.escalatedAt &&
    escalationMoment(record.dueAt, settings) <= nowIso
  ) {
    return (await markAndQueue(record, stage, timedAt, 'supervisor', now, settings))
      ? 'escalated'
      : 'skipped';
  }
  const notice = dueNotice(stage, record, settings, nowIso);
  if (notice) {
    return (await queueNotice(record, stage, timedAt, notice, now, settings)) ? 'noticed' : 'skipped';
  }
  // Nothing due (the index was ahead of the marks, or a stage lost its deadline): move the next check on.
  const next = nextCheck(stage, record, timedAt, settings);
  const wanted = next ? `${next}#${record.id}` : undefined;
  if (wanted === record.dueSk) return 'none';
  if (next && next <= nowIso) return 'none';
  const index = dueIndex(record, next);
  const moved = await transact([
    {
      update: keys.record(record.id),
      set: updateExpression(index.set, index.remove),
      condition: unchanged(record),
    },
  ]);
  return moved ? 'rescheduled' : 'skipped';
}

/** Check one record by id (tests and tools); `none` when it does not exist. */
export async function checkRecordById(id: string, now: Date = clockNow()): Promise<DeadlineOutcome> {
  const record = (await table.get(keys.record(id), { includeExpired: true })) as StoredRecord | undefined;
  return record ? checkRecord(record, now) : 'none';
}

/** One run: every record whose next check has come, oldest first. */
export async function checkDeadlines(
  options: { deadline?: number; maxRecords?: number } = {},
): Promise<DeadlineSummary> {
  const summary: DeadlineSummary = {
    checked: 0,
    timed: 0,
    noticed: 0,
    purged: 0,
    reminded: 0,
    escalated: 0,
    rescheduled: 0,
    failed: 0,
    skipped: 0,
  };
  const now = clockNow();
  const upTo = `${now.toISOString()}#\uffff`;
  const maxRecords = options.maxRecords ?? POLL_MAX_RECORDS;
  let cursor: string | undefined;
  do {
    if (options.deadline !== undefined && Date.now() >= options.deadline) break;
    const page = await table.query({
      index: 'due',
      partition: keys.duePk,
      sort: { lte: upTo },
      limit: Math.min(POLL_PAGE, maxRecords - summary.checked),
      cursor,
      // Records past their retention are read too: this worker deletes them.
      includeExpired: true,
    });
    for (const item of page.items as unknown as StoredRecord[]) {
      summary.checked += 1;
      let outcome: DeadlineOutcome;
      try {
        outcome = await checkRecord(item, now);
      } catch (error) {
        logger.error('Deadline check failed', {
          recordId: item.id,
          kind: item.kind,
          error: error instanceof Error ? error.name : 'Unknown',
        });
        outcome = 'failed';
      }
      if (outcome !== 'none') summary[outcome] += 1;
    }
    cursor = page.cursor;
  } while (cursor && summary.checked < maxRecords);
  return summary;
}
