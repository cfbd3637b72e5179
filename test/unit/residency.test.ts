import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TRANSACTION_ITEMS } from '../../functions/adapters/table';
import { TABLE_DEFINITION } from '../../functions/adapters/table-definition';

/**
 * Data residency (DESIGN.md; 152-FZ art. 18 p. 5): a production instance runs on DynamoDB-, S3- and SES-compatible
 * services in Russia, so the adapters may use only what those services offer. Every SDK command the adapters send is
 * listed here against the subset documented for Yandex Cloud:
 * - YDB Document API, "All methods" (yandex.cloud/docs/ydb/docapi/api-ref): CreateTable, DeleteTable, DescribeTable,
 *   UpdateTable, DescribeTimeToLive, ListTables, UpdateTimeToLive, BatchGetItem, BatchWriteItem, DeleteItem, GetItem,
 *   PutItem, Query, Scan, TransactGetItems, TransactWriteItems, UpdateItem — no PartiQL (ExecuteStatement…);
 * - Object Storage's S3 API: bucket and object basics, listing v2, tagging, presigned URLs;
 * - Postbox's SES v2 API: SendEmail.
 * A new command in an adapter fails this test until someone checks it against those services and adds it here.
 */

const ADAPTERS = resolve(import.meta.dirname, '..', '..', 'functions', 'adapters');

/** SDK command class → the service operation it calls. */
const ALLOWED: Record<string, string> = {
  // DynamoDB document client (lib-dynamodb) and the low-level client
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  TransactWriteCommand: 'TransactWriteItems',
  CreateTableCommand: 'CreateTable',
  DescribeTableCommand: 'DescribeTable',
  UpdateTableCommand: 'UpdateTable',
  UpdateTimeToLiveCommand: 'UpdateTimeToLive',
  // S3
  PutObjectCommand: 'PutObject',
  GetObjectCommand: 'GetObject',
  DeleteObjectCommand: 'DeleteObject',
  HeadBucketCommand: 'HeadBucket',
  CreateBucketCommand: 'CreateBucket',
  ListObjectsV2Command: 'ListObjectsV2',
  // SES v2
  SendEmailCommand: 'SendEmail',
};

function commandsUsed(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(ADAPTERS, file), 'utf8');
    for (const m of source.matchAll(/new (\w+Command)\(/g)) {
      used.set(m[1]!, [...(used.get(m[1]!) ?? []), file]);
    }
  }
  return used;
}

describe('data residency: the adapters stay inside what Russian DynamoDB/S3/SES-compatible services offer', () => {
  it('sends only commands of the documented subset', () => {
    const used = commandsUsed();
    expect(used.size).toBeGreaterThan(10);
    const outside = [...used.entries()]
      .filter(([command]) => !(command in ALLOWED))
      .map(([c, files]) => `${c} (${files})`);
    expect(outside).toEqual([]);
  });

  it('uses no PartiQL, no batch operations with partial failures, and no scans', () => {
    const sources = readdirSync(ADAPTERS)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(ADAPTERS, f), 'utf8'))
      .join('\n');
    expect(sources).not.toMatch(/ExecuteStatement|ExecuteTransaction|BatchExecute|ScanCommand/);
  });

  it('keeps to global secondary indexes with every attribute projected, and transactions of at most 25 items', () => {
    expect(Object.keys(TABLE_DEFINITION)).not.toContain('localIndexes');
    expect(TABLE_DEFINITION.indexes.length).toBeGreaterThan(0);
    const admin = readFileSync(join(ADAPTERS, 'table-admin.ts'), 'utf8');
    expect(admin).toContain("Projection: { ProjectionType: 'ALL' }");
    expect(admin).not.toContain('LocalSecondaryIndexes');
    expect(MAX_TRANSACTION_ITEMS).toBe(25);
  });
});
