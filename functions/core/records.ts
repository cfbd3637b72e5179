import { kinds } from '../../forms/registry';
import { presignGet } from '../adapters/blobs';
import { now as clockNow } from '../adapters/clock';
import { ConditionFailedError } from '../adapters/storage-errors';
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
  /**
   * `newest` (the API's order, API.md) or `deadline` (the staff workspace: the earliest exact deadline first across
   * the whole queue, records without a deadline last).
   */
  order?: 'newest' | 'deadline';
}

type QueueOrder = NonNullable<QueueQuery['order']>;

interface Candidate {
  record: StoredRecord;
  sortValue: string;
}

/** One ordered stream of the queue: a kind's partition of an index, or a curator's assigned records. */
interface QueueSource {
  key: string;
  /** At least `limit` matching records after `after` (exclusive) in queue order, unless the source ends first. */
  read(after: string | undefined, limit: number): Promise<{ items: Candidate[]; ended: boolean }>;
}

/** Reads of a filtered partition go in larger steps: a filter may thin a page down to nothing. */
const FILTERED_READ = 100;

function indexSource(
  key: string,
  index: 'queue' | 'deadline' | 'assignee',
  partition: string,
  sortAttr: string,
  order: QueueOrder,
  filter: table.Expression | undefined,
  overdueBefore: string | undefined,
): QueueSource {
  return {
    key,
    async read(after, limit) {
      const items: Candidate[] = [];
      let position = after;
      // Read until this partition yields `limit` matches or ends.
      while (items.length < limit) {
        const page = await table.query({
          index,
          partition,
          sort: sortCondition(order, position, overdueBefore),
          newestFirst: order === 'newest',
          limit: filter ? Math.max(limit, FILTERED_READ) : limit,
          filter,
        });
        for (const item of page.items) {
          const sortValue = String(item[sortAttr]);
          // `between` includes its lower bound, the position already shown.
          if (sortValue !== position) items.push({ record: item as unknown as StoredRecord, sortValue });
        }
        if (!page.cursor) return { items, ended: true };
        position = String(
          (JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) as Record<string, unknown>)[
            sortAttr
          ],
        );
      }
      return { items, ended: false };
    },
  };
}

/**
 * Where a partition read continues. In deadline order the overdue records are the start of every partition
 * (sort key = exact deadline), so "only overdue" is a key range, not a filter over the whole kind.
 */
function sortCondition(order: QueueOrder, after: string | undefined, overdueBefore: string | undefined) {
  if (order === 'newest') return after ? { lt: after } : undefined;
  if (overdueBefore)
    return after ? { between: [after, overdueBefore] as [string, string] } : { lt: overdueBefore };
  return after ? { gt: after } : undefined;
}

/**
 * A curator's records in deadline order. The `assignee` index is ordered by creation, and CloudFormation adds one
 * index per deployment, so this one source sorts in memory: everything assigned to one curator (their routes,
 * tens at most) is read and ordered by the same key as the `deadline` index.
 */
function assignedByDeadline(email: string, filter: table.Expression | undefined): QueueSource {
  return {
    key: 'assignee',
    async read(after, limit) {
      const all = (
        await table.queryAll({ index: 'assignee', partition: keys.assigneePk(email), filter })
      ).map((item) => {
        const record = item as unknown as StoredRecord;
        return { record, sortValue: keys.deadlineSk(record) };
      });
      const rest = all
        .filter((c) => after === undefined || c.sortValue > after)
        .sort((a, b) => compareKeys(a.sortValue, b.sortValue));
      return { items: rest.slice(0, limit), ended: rest.length <= limit };
    },
  };
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function decodePositions(cursor: string | undefined): Record<string, string> {
  try {
    const positions = cursor ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : {};
    if (typeof positions !== 'object' || positions === null || Array.isArray(positions)) {
      throw new InvalidCursorError();
    }
    return positions as Record<string, string>;
  } catch {
    throw new AppError('validation', 'Проверьте параметры запроса', {
      issues: [{ path: 'cursor', message: 'Неверный курсор' }],
    });
  }
}

/**
 * The staff queue, newest first or by deadline. Without `kind`, every kind the caller sees is read and merged;
 * the cursor remembers where each source stopped, so pages follow one order across the whole queue. A curator
 * (and nobody else) is limited to assigned records.
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
  const order: QueueOrder = query.order ?? 'newest';
  const positions = decodePositions(query.cursor);
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
  const overdueBefore = query.overdue ? now : undefined;

  const sources: QueueSource[] = onlyAssigned
    ? [
        order === 'deadline'
          ? assignedByDeadline(caller.email, filter)
          : indexSource(
              'assignee',
              'assignee',
              keys.assigneePk(caller.email),
              'assigneeSk',
              order,
              filter,
              undefined,
            ),
      ]
    : visibleKinds.map((k) =>
        order === 'deadline'
          ? indexSource(k.kind, 'deadline', keys.queuePk(k.kind), 'deadlineSk', order, filter, overdueBefore)
          : indexSource(k.kind, 'queue', keys.queuePk(k.kind), 'queueSk', order, filter, undefined),
      );
  const candidates: (Candidate & { source: string })[] = [];
  const exhausted = new Set<string>();
  for (const source of sources) {
    if (positions[source.key] === 'end') {
      exhausted.add(source.key);
      continue;
    }
    const { items, ended } = await source.read(positions[source.key], query.limit);
    if (ended) exhausted.add(source.key);
    candidates.push(...items.map((c) => ({ ...c, source: source.key })));
  }
  // A k-way merge: each source is in order, so the first `limit` of the union are the next page of the queue.
  candidates.sort((a, b) =>
    order === 'deadline' ? compareKeys(a.sortValue, b.sortValue) : compareKeys(b.sortValue, a.sortValue),
  );
  const page = candidates.slice(0, query.limit);
  const next: Record<string, string> = {};
  for (const source of sources) {
    const taken = page.filter((c) => c.source === source.key);
    const left = candidates.filter((c) => c.source === source.key).length - taken.length;
    if (exhausted.has(source.key) && left === 0) next[source.key] = 'end';
    else if (taken.length) next[source.key] = taken[taken.length - 1]!.sortValue;
    else if (positions[source.key]) next[source.key] = positions[source.key]!;
  }
  const more = sources.some((s) => next[s.key] !== 'end');
  const items = page
    .filter((c) => staffRolesFor(caller, kindOrNotFound(c.record.kind), c.record).length > 0)
    .map((c) => recordView(c.record, kindOrNotFound(c.record.kind), caller));
  return { items, cursor: more ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined };
}

/**
 * Records written before the `deadline` index existed get its sort key, so the queue by deadline shows them
 * (run once after the index is added; a record changed meanwhile already has it from the engine).
 */
export async function backfillDeadlineKeys(): Promise<number> {
  let added = 0;
  for (const kind of kinds) {
    const records = (await table.queryAll({
      index: 'queue',
      partition: keys.queuePk(kind.kind),
      filter: { expression: 'attribute_not_exists(#d)', names: { '#d': 'deadlineSk' } },
    })) as unknown as StoredRecord[];
    for (const record of records) {
      try {
        await table.update(
          keys.record(record.id),
          {
            expression: 'SET #d = :d',
            names: { '#d': 'deadlineSk' },
            values: { ':d': keys.deadlineSk(record) },
          },
          { expression: '#version = :v', names: { '#version': 'version' }, values: { ':v': record.version } },
        );
        added++;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
  }
  return added;
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
