import { kinds } from '../../forms/registry';
import { presignGet } from '../adapters/blobs';
import { now as clockNow } from '../adapters/clock';
import * as table from '../adapters/table';
import { InvalidCursorError } from '../adapters/table';
import { contentDisposition } from '../documents/file-names';
import { assertCanSee, staffRolesFor } from './access';
import type { Caller } from './caller';
import { kindOrNotFound, loadRecord } from './engine';
import { AppError } from './errors';
import { checkLinkValid, hashLinkToken, isWellFormedToken } from './links';
import { type ChildSummary, type HistoryEvent, keys, type StoredLink, type StoredRecord } from './model';
import { canReadDocument, type HistoryView, historyView, type RecordView, recordView } from './views';

/** Reading records: one record, its history and documents, the staff queue, and what a link opens. */

async function visibleRecord(id: string, caller: Caller) {
  const record = await loadRecord(id);
  if (!record) throw new AppError('not-found', 'Запись не найдена');
  const kind = kindOrNotFound(record.kind);
  assertCanSee(caller, kind, record);
  return { record, kind };
}

async function childrenOf(id: string) {
  const summaries = (await table.queryAll({
    partition: keys.record(id).pk,
    sort: { beginsWith: keys.childPrefix },
  })) as unknown as ChildSummary[];
  return summaries.map((c) => ({ id: c.id, kind: c.kind, stage: c.stage }));
}

export async function getRecord(id: string, caller: Caller): Promise<RecordView> {
  const { record, kind } = await visibleRecord(id, caller);
  return recordView(record, kind, caller, caller.type === 'staff' ? await childrenOf(id) : undefined);
}

export async function getHistory(id: string, caller: Caller): Promise<HistoryView[]> {
  await visibleRecord(id, caller);
  const events = (await table.queryAll({
    partition: keys.record(id).pk,
    sort: { beginsWith: keys.historyPrefix },
  })) as unknown as HistoryEvent[];
  return historyView(events, caller);
}

/** A presigned URL (≤ 15 min) to a document the caller may read; 404 for one they may not know of. */
export async function documentUrl(id: string, docId: string, caller: Caller): Promise<string> {
  const { record } = await visibleRecord(id, caller);
  const doc = record.documents.find((d) => d.id === docId);
  if (!doc || !canReadDocument(caller, doc)) throw new AppError('not-found', 'Документ не найден');
  return presignGet(doc.key, { contentDisposition: contentDisposition(doc.fileName) });
}

export interface QueueQuery {
  kind?: string;
  stage?: string;
  overdue?: boolean;
  q?: string;
  limit: number;
  cursor?: string;
}

/**
 * The staff queue, newest first. Without `kind`, every kind the caller sees is read and merged; the cursor
 * remembers where each kind's partition stopped. A curator (and nobody else) is limited to assigned records.
 */
export async function listRecords(
  query: QueueQuery,
  caller: Caller,
): Promise<{ items: RecordView[]; cursor?: string }> {
  if (caller.type !== 'staff') throw new AppError('unauthenticated', 'Войдите, чтобы открыть очередь');
  const visibleKinds = (query.kind ? [kindOrNotFound(query.kind)] : kinds).filter((k) =>
    caller.roles.some((r) => r === 'admin' || k.staff.includes(r)),
  );
  if (query.kind && visibleKinds.length === 0) throw new AppError('forbidden', 'Эти записи вам недоступны');
  const onlyAssigned = !caller.roles.some((r) => r !== 'curator');
  let positions: Record<string, string>;
  try {
    positions = query.cursor ? JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) : {};
    if (typeof positions !== 'object' || positions === null) throw new InvalidCursorError();
  } catch {
    throw new AppError('validation', 'Проверьте параметры запроса', {
      issues: [{ path: 'cursor', message: 'Неверный курсор' }],
    });
  }
  const now = clockNow().toISOString();
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.stage) {
    filters.push('#stage = :stage');
    names['#stage'] = 'stage';
    values[':stage'] = query.stage;
  }
  if (query.overdue) {
    filters.push('#dueAt < :now');
    names['#dueAt'] = 'dueAt';
    values[':now'] = now;
  }
  if (query.q) {
    filters.push('contains(#search, :q)');
    names['#search'] = 'searchText';
    values[':q'] = query.q.trim().toLowerCase();
  }
  const filter = filters.length ? { expression: filters.join(' AND '), names, values } : undefined;

  const partitions = onlyAssigned
    ? [
        {
          key: 'assignee',
          index: 'assignee' as const,
          partition: keys.assigneePk(caller.email),
          sortAttr: 'assigneeSk',
        },
      ]
    : visibleKinds.map((k) => ({
        key: k.kind,
        index: 'queue' as const,
        partition: keys.queuePk(k.kind),
        sortAttr: 'queueSk',
      }));
  const candidates: { record: StoredRecord; partKey: string; sortValue: string }[] = [];
  const exhausted = new Set<string>();
  for (const p of partitions) {
    if (positions[p.key] === 'end') {
      exhausted.add(p.key);
      continue;
    }
    let after = positions[p.key];
    let gathered = 0;
    // Read until this partition yields `limit` matches or ends (filters may thin a page).
    while (gathered < query.limit) {
      const page = await table.query({
        index: p.index,
        partition: p.partition,
        sort: after ? { lt: after } : undefined,
        newestFirst: true,
        limit: query.limit,
        filter,
      });
      for (const item of page.items as unknown as Record<string, unknown>[]) {
        candidates.push({
          record: item as unknown as StoredRecord,
          partKey: p.key,
          sortValue: String(item[p.sortAttr]),
        });
        gathered++;
      }
      if (!page.cursor) {
        exhausted.add(p.key);
        break;
      }
      after = (JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) as Record<string, string>)[
        p.sortAttr
      ];
    }
  }
  candidates.sort((a, b) => (a.sortValue < b.sortValue ? 1 : -1));
  const page = candidates.slice(0, query.limit);
  const next: Record<string, string> = {};
  for (const p of partitions) {
    const taken = page.filter((c) => c.partKey === p.key);
    const left = candidates.filter((c) => c.partKey === p.key).length - taken.length;
    if (exhausted.has(p.key) && left === 0) next[p.key] = 'end';
    else if (taken.length) next[p.key] = taken[taken.length - 1]!.sortValue;
    else if (positions[p.key]) next[p.key] = positions[p.key]!;
  }
  const more = partitions.some((p) => next[p.key] !== 'end');
  const items = page
    .filter((c) => staffRolesFor(caller, kindOrNotFound(c.record.kind), c.record).length > 0)
    .map((c) => recordView(c.record, kindOrNotFound(c.record.kind), caller));
  return { items, cursor: more ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined };
}

/** GET /v1/links/{token}: what the link opens. */
export async function describeLink(token: string) {
  const link = await findLink(token);
  return {
    recordId: link.recordId,
    kind: link.kind,
    party: link.party,
    actions: link.actions,
    expiresAt: link.validUntil,
  };
}

export async function findLink(token: string): Promise<StoredLink> {
  const now = clockNow();
  if (!isWellFormedToken(token)) return checkLinkValid(undefined, now);
  const link = (await table.get(keys.link(hashLinkToken(token)))) as StoredLink | undefined;
  return checkLinkValid(link, now);
}
