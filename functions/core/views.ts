import { now as clockNow } from '../adapters/clock';
import { allowedActions } from './access';
import type { Caller } from './caller';
import type { KindDefinition } from './kind';
import type { DocumentRef, HistoryEvent, StoredRecord } from './model';

/**
 * What a caller sees of a record (API.md `GET /v1/submissions/{id}`). Staff see everything; a link party sees
 * the payload as the kind redacts it for them and only the documents addressed to them (A2 6.3: a
 * participant's results reach nobody else — not in the record, the history or the document list).
 */

export interface RecordView {
  id: string;
  kind: string;
  number?: string;
  stage: string;
  stageTitle: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  dueAt?: string;
  overdue: boolean;
  payload: unknown;
  documents: { id: string; name: string; title: string; createdAt: string }[];
  allowedActions: string[];
  parentId?: string;
  children?: { id: string; kind: string; stage: string }[];
  deliveryFailed?: boolean;
}

export function canReadDocument(caller: Caller, doc: DocumentRef): boolean {
  if (caller.type === 'staff' || caller.type === 'system') return true;
  if (caller.type !== 'link') return false;
  if (!doc.audience.includes(caller.party)) return false;
  return doc.owner === undefined || doc.owner === caller.email;
}

export function isOverdue(record: Pick<StoredRecord, 'dueAt'>, now: Date): boolean {
  return record.dueAt !== undefined && Date.parse(record.dueAt) < now.getTime();
}

export function recordView(
  record: StoredRecord,
  kind: KindDefinition<unknown>,
  caller: Caller,
  children?: { id: string; kind: string; stage: string }[],
): RecordView {
  const isStaff = caller.type === 'staff';
  const payload =
    caller.type === 'link' && kind.redact
      ? kind.redact(record.payload, { party: caller.party, email: caller.email })
      : record.payload;
  return {
    id: record.id,
    kind: record.kind,
    number: record.number,
    stage: record.stage,
    stageTitle: kind.stages[record.stage]?.title ?? record.stage,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    dueAt: record.dueAt,
    overdue: isOverdue(record, clockNow()),
    payload,
    documents: record.documents
      .filter((d) => canReadDocument(caller, d))
      .map((d) => ({ id: d.id, name: d.name, title: d.title, createdAt: d.createdAt })),
    allowedActions: allowedActions(caller, kind, record),
    parentId: record.parentId,
    children: isStaff ? children : undefined,
    ...(isStaff && record.deliveryFailed ? { deliveryFailed: true } : {}),
  };
}

export interface HistoryView {
  at: string;
  action: string;
  by: { party: string; email?: string };
  fromStage: string | null;
  toStage: string;
  comment?: string;
  /** Structured details of the action (the previous payload of a resubmission): staff only. */
  details?: Record<string, unknown>;
}

/**
 * Staff see every event with who acted and its details; a link party sees the events without other people's
 * addresses and without details.
 */
export function historyView(events: HistoryEvent[], caller: Caller): HistoryView[] {
  return events.map((e) => {
    const own = caller.type === 'link' && e.by.email === caller.email;
    const showEmail = caller.type === 'staff' || own;
    return {
      at: e.at,
      action: e.action,
      by: showEmail && e.by.email ? { party: e.by.party, email: e.by.email } : { party: e.by.party },
      fromStage: e.fromStage,
      toStage: e.toStage,
      ...(e.comment && (caller.type === 'staff' || own) ? { comment: e.comment } : {}),
      ...(e.details && caller.type === 'staff' ? { details: e.details } : {}),
    };
  });
}
