import { deleteBlob, listBlobKeys } from '../adapters/blobs';
import { ConditionFailedError } from '../adapters/storage-errors';
import * as table from '../adapters/table';
import { keys, type StoredRecord } from './model';

/**
 * Retention: a record kept for a while after its final stage (A3 4.5.4: a completed route for one year) is then
 * deleted with everything of it. No kind is named here; `KindDefinition.retention` decides which records expire.
 *
 * 1. Stamp. Entering the final stage, the engine gives the record its `expiresAt` and queues an outbox item that
 *    gives the same expiry to every other item of it: history events, child summaries, the children themselves
 *    (a route's corrections, recursively, with their own items) and the party links (found through the link notes
 *    in the record's partition, `keys.linkRef`). From that moment every read treats all of it as gone once the
 *    time has passed (adapters/table.ts skips expired items), however late DynamoDB's TTL sweeper comes.
 * 2. Purge. The record stays in the `due` index at its expiry; the deadline worker then deletes the S3 documents
 *    and every item for good, the record last, so a purge cut short is taken up again on the next run. S3 lifecycle
 *    rules count from an object's creation, and one route's documents are made over up to two years, so documents
 *    are deleted by this step rather than by a lifecycle rule.
 * Outbox items hold ids and effect names only (no personal data) and expire 30 days after they are done.
 */

/** Documents of a record live under this prefix (functions/core/outbox.ts names them). */
export const documentPrefix = (recordId: string) => `records/${recordId}/`;

async function stamp(key: table.Key, expiresAt: number): Promise<boolean> {
  try {
    await table.update(
      key,
      { expression: 'SET #e = :e', names: { '#e': 'expiresAt' }, values: { ':e': expiresAt } },
      // Never later than it was: a link that expires earlier keeps its own end.
      {
        expression: 'attribute_exists(pk) AND (attribute_not_exists(#e) OR #e > :e)',
        names: { '#e': 'expiresAt' },
        values: { ':e': expiresAt },
      },
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
}

/** Give every item of the record, of its children and its links the expiry `expiresAt` (epoch seconds). */
export async function stampRetention(recordId: string, expiresAt: number): Promise<number> {
  const items = await table.queryAll({ partition: keys.record(recordId).pk });
  let stamped = 0;
  for (const item of items) {
    const sk = String(item.sk);
    if (sk.startsWith(keys.childPrefix)) stamped += await stampRetention(String(item.id), expiresAt);
    if (
      sk.startsWith(keys.linkRefPrefix) &&
      (await stamp(keys.link(sk.slice(keys.linkRefPrefix.length)), expiresAt))
    )
      stamped += 1;
    if (await stamp({ pk: String(item.pk), sk }, expiresAt)) stamped += 1;
  }
  return stamped;
}

export interface PurgeSummary {
  items: number;
  documents: number;
}

/** Delete the record, its children, links and documents for good (expired ones included). */
export async function purgeRecord(record: StoredRecord): Promise<PurgeSummary> {
  const summary: PurgeSummary = { items: 0, documents: 0 };
  const items = await table.queryAll({ partition: keys.record(record.id).pk, includeExpired: true });
  for (const item of items) {
    const sk = String(item.sk);
    if (sk.startsWith(keys.childPrefix)) {
      const child = (await table.get(keys.record(String(item.id)), { includeExpired: true })) as
        | StoredRecord
        | undefined;
      if (child) {
        const purged = await purgeRecord(child);
        summary.items += purged.items;
        summary.documents += purged.documents;
      }
    }
    if (sk.startsWith(keys.linkRefPrefix)) {
      await table.remove(keys.link(sk.slice(keys.linkRefPrefix.length)));
      summary.items += 1;
    }
  }
  // The references on the record, and anything under its prefix a crash may have left unreferenced.
  const documents = new Set([
    ...(record.documents ?? []).map((d) => d.key),
    ...(await listBlobKeys(documentPrefix(record.id))),
  ]);
  for (const key of documents) {
    await deleteBlob(key);
    summary.documents += 1;
  }
  for (const item of items) {
    if (item.sk === 'REC') continue;
    await table.remove({ pk: String(item.pk), sk: String(item.sk) });
    summary.items += 1;
  }
  await table.remove(keys.record(record.id));
  summary.items += 1;
  return summary;
}
