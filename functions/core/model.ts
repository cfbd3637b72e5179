import { randomUUID } from 'node:crypto';
import type { RecordState } from './kind';

/**
 * The items of the one table and their keys. Everything of a record lives in its partition `REC#<id>`:
 * the record itself, its history events, and summaries of its children. Outbox items, party links, counters
 * and idempotency keys have partitions of their own. Sparse GSIs (see adapters/table-definition.ts) carry the
 * queue, open deadlines, pending outbox items and assignees.
 */

export interface DocumentRef {
  id: string;
  name: string;
  title: string;
  fileName: string;
  createdAt: string;
  /** S3 key; never shown to clients. */
  key: string;
  /** Version of the record the document was rendered from. */
  version: number;
  /** Link parties who may read it besides staff (A2 6.3). */
  audience: string[];
  /** For documents addressed to one person (results), the email they belong to. */
  owner?: string;
}

/** A record as stored: what declarations see (RecordState) plus documents, workflow marks and index keys. */
export interface StoredRecord extends RecordState<unknown> {
  pk: string;
  sk: 'REC';
  type: 'record';
  childKey?: string;
  documents: DocumentRef[];
  /** Set when an outbox item for this record was parked after its last attempt; shown to staff. */
  deliveryFailed?: boolean;
  /** Reminder and escalation already sent for the current stage (reset on every stage change). */
  remindedAt?: string;
  escalatedAt?: string;
  /** Keys of the stage's timed notices already sent (reset on every stage change). */
  noticesSent?: string[];
  /** Bumped by every change of a child, so two children settling at once serialise on the parent. */
  childSeq: number;
  queuePk: string;
  queueSk: string;
  /** Sort key of the `deadline` index (keys.deadlineSk); absent only on records written before that index. */
  deadlineSk?: string;
  duePk?: string;
  dueSk?: string;
  assigneePk?: string;
  assigneeSk?: string;
  expiresAt?: number;
}

export interface HistoryEvent {
  pk: string;
  sk: string;
  type: 'history';
  at: string;
  action: string;
  by: { party: string; email?: string };
  fromStage: string | null;
  toStage: string;
  version: number;
  comment?: string;
  /** Structured details of the action (e.g. the previous payload of a resubmission); shown to staff only. */
  details?: Record<string, unknown>;
  expiresAt?: number;
}

export interface ChildSummary {
  pk: string;
  sk: string;
  type: 'child';
  id: string;
  kind: string;
  key: string;
  stage: string;
  expiresAt?: number;
}

export type OutboxEffect =
  | { type: 'enter-stage'; stage: string; version: number }
  | { type: 'action'; action: string; version: number }
  | { type: 'reminder'; stage: string; to: 'responsible' | 'supervisor'; version: number }
  | { type: 'notice'; stage: string; key: string; version: number }
  /** The record reached a final stage with a retention end: give every item of it the same expiry (A3 4.5.4). */
  | { type: 'retention'; version: number };

export interface OutboxItem {
  pk: string;
  sk: 'OUTBOX';
  type: 'outbox';
  id: string;
  recordId: string;
  kind: string;
  effect: OutboxEffect;
  createdAt: string;
  status: 'pending' | 'done' | 'parked';
  attempts: number;
  nextAttemptAt: string;
  /** Lease of the worker processing it, so a duplicate delivery cannot run it at the same time. */
  leaseUntil?: string;
  /** Steps already done, so a re-run continues where the last one stopped. */
  rendered?: Record<string, string>;
  sent?: Record<string, string>;
  childrenCreated?: string[];
  /** `<child key>:<action>` of the system actions on children already taken (StageEffects.childActions). */
  childActionsDone?: string[];
  lastError?: string;
  outboxPk?: string;
  outboxSk?: string;
  expiresAt?: number;
}

export interface StoredLink {
  pk: string;
  sk: 'LINK';
  type: 'link';
  id: string;
  recordId: string;
  kind: string;
  party: string;
  email: string;
  actions: string[];
  createdAt: string;
  validUntil: string;
  expiresAt: number;
}

/** Above every epoch-milliseconds instant this service stores (year 2286), for newest-first sort keys. */
const NEWEST_FIRST_BASE = 9_999_999_999_999;

export const keys = {
  record: (id: string) => ({ pk: `REC#${id}`, sk: 'REC' as const }),
  history: (id: string, at: string, version: number) => ({
    pk: `REC#${id}`,
    sk: `HIST#${at}#${String(version).padStart(6, '0')}`,
  }),
  historyPrefix: 'HIST#',
  child: (parentId: string, childId: string) => ({ pk: `REC#${parentId}`, sk: `CHILD#${childId}` }),
  childPrefix: 'CHILD#',
  outbox: (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'OUTBOX' as const }),
  link: (tokenHash: string) => ({ pk: `LINK#${tokenHash}`, sk: 'LINK' as const }),
  /** A note in the record's partition of a link issued for it, so retention finds and deletes the link too. */
  linkRef: (recordId: string, tokenHash: string) => ({ pk: `REC#${recordId}`, sk: `LINK#${tokenHash}` }),
  linkRefPrefix: 'LINK#',
  counter: (series: string, year: number) => ({ pk: `COUNTER#${series}#${year}`, sk: 'COUNTER' }),
  idempotency: (scope: string, key: string) => ({ pk: `IDEMP#${scope}#${key}`, sk: 'IDEMP' }),
  /** Partition values of the sparse indexes. */
  queuePk: (kind: string) => `KIND#${kind}`,
  /**
   * Sort key of the queue by deadline (index `deadline`, partition `queuePk`): the exact deadline, then the id, so
   * equal deadlines keep one stable order. Records without a deadline sort after every instant ('~' > digits),
   * newest first among themselves (inverted creation time), as the queue shows them when nothing is due.
   */
  deadlineSk: (record: { id: string; dueAt?: string; createdAt: string }) =>
    record.dueAt
      ? `${record.dueAt}#${record.id}`
      : `~#${String(NEWEST_FIRST_BASE - Date.parse(record.createdAt)).padStart(16, '0')}#${record.id}`,
  duePk: 'OPEN',
  outboxPending: 'PENDING',
  assigneePk: (email: string) => `ASSIGNEE#${email}`,
};

/**
 * A pending outbox item, due now. `id` is random by default; deterministic ids (a reminder per record version,
 * a notice per stage entry) make a second writer collide on the key.
 */
export function newOutboxItem(
  record: { id: string; kind: string },
  effect: OutboxEffect,
  now: Date,
  id: string = randomUUID(),
): OutboxItem {
  const at = now.toISOString();
  return {
    ...keys.outbox(id),
    type: 'outbox',
    id,
    recordId: record.id,
    kind: record.kind,
    effect,
    createdAt: at,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    outboxPk: keys.outboxPending,
    outboxSk: `${at}#${id}`,
  };
}
