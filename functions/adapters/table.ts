import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { clientOptions } from './aws-clients';
import { nowEpochSeconds } from './clock';
import { ConditionFailedError, TransactionRefusedError } from './storage-errors';
import { type IndexName, TABLE_DEFINITION } from './table-definition';

/**
 * The table adapter: the document client behind a few verbs the core needs. Items whose TTL has passed are
 * treated as gone on every read, because DynamoDB deletes expired items lazily (up to days later) — A3 4.5.4
 * retention must not depend on when the sweeper comes.
 */

export type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

/** Names and values of a condition or update expression, as the document client takes them. */
export interface Expression {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type TransactItem =
  | { put: Item; condition?: Expression }
  | { update: Key; set: Expression; condition?: Expression }
  | { delete: Key; condition?: Expression }
  | { check: Key; condition: Expression };

/** DynamoDB's (and the Russian compatible services') limit on items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 25;

let documentClient: DynamoDBDocumentClient | undefined;

function client(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient(clientOptions(config().endpoints.dynamodb)),
    {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    },
  );
  return documentClient;
}

const tableName = () => config().tableName;
const ttl = TABLE_DEFINITION.ttlAttribute;

function isLive(item: Item | undefined): item is Item {
  if (!item) return false;
  const expires = item[ttl];
  return typeof expires !== 'number' || expires > nowEpochSeconds();
}

function merge<T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined) {
  return a || b ? { ...a, ...b } : undefined;
}

/**
 * `includeExpired` is for the one reader that must see expired items: retention, which deletes them (and their
 * documents) for good.
 */
export async function get(
  key: Key,
  options: { consistent?: boolean; includeExpired?: boolean } = {},
): Promise<Item | undefined> {
  const out = await client().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: options.consistent ?? true }),
  );
  if (options.includeExpired) return out.Item;
  return isLive(out.Item) ? out.Item : undefined;
}

async function conditional<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError();
    throw error;
  }
}

/** Put an item; with a condition, a failed condition raises ConditionFailedError. */
export async function put(item: Item, condition?: Expression): Promise<void> {
  await conditional(() =>
    client().send(
      new PutCommand({
        TableName: tableName(),
        Item: item,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: condition?.names,
        ExpressionAttributeValues: condition?.values,
      }),
    ),
  );
}

/** Put only if no item has this key yet. */
export async function putNew(item: Item): Promise<void> {
  await put(item, { expression: 'attribute_not_exists(pk)' });
}

/** Update with SET/REMOVE/ADD expressions; returns the item after the update. */
export async function update(key: Key, set: Expression, condition?: Expression): Promise<Item> {
  const out = await conditional(() =>
    client().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: set.expression,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: merge(set.names, condition?.names),
        ExpressionAttributeValues: merge(set.values, condition?.values),
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return out.Attributes ?? {};
}

export async function remove(key: Key, condition?: Expression): Promise<void> {
  await conditional(() =>
    client().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: key,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: condition?.names,
        ExpressionAttributeValues: condition?.values,
      }),
    ),
  );
}

function toTransactItem(item: TransactItem): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
  const TableName = tableName();
  const cond = (c: Expression | undefined) => ({
    ConditionExpression: c?.expression,
    ExpressionAttributeNames: c?.names,
    ExpressionAttributeValues: c?.values,
  });
  if ('put' in item) return { Put: { TableName, Item: item.put, ...cond(item.condition) } };
  if ('update' in item) {
    return {
      Update: {
        TableName,
        Key: item.update,
        UpdateExpression: item.set.expression,
        ConditionExpression: item.condition?.expression,
        ExpressionAttributeNames: merge(item.set.names, item.condition?.names),
        ExpressionAttributeValues: merge(item.set.values, item.condition?.values),
      },
    };
  }
  if ('delete' in item) return { Delete: { TableName, Key: item.delete, ...cond(item.condition) } };
  return {
    ConditionCheck: {
      TableName,
      Key: item.check,
      ConditionExpression: item.condition.expression,
      ExpressionAttributeNames: item.condition.names,
      ExpressionAttributeValues: item.condition.values,
    },
  };
}

/**
 * All or nothing: up to 25 items in one TransactWriteItems. A refused transaction raises
 * TransactionRefusedError naming the items whose condition failed.
 */
export async function transactWrite(items: TransactItem[], idempotencyToken?: string): Promise<void> {
  if (items.length === 0) return;
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new Error(`A transaction takes at most ${MAX_TRANSACTION_ITEMS} items, got ${items.length}`);
  }
  try {
    await client().send(
      new TransactWriteCommand({
        TransactItems: items.map(toTransactItem),
        ClientRequestToken: idempotencyToken,
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      const conflict = failed.length === 0 && reasons.some((r) => r.Code === 'TransactionConflict');
      throw new TransactionRefusedError(failed, conflict);
    }
    throw error;
  }
}

export interface QueryInput {
  /** A GSI name from the table definition, or omitted for the base table. */
  index?: IndexName;
  /** Partition key value (attribute name comes from the definition). */
  partition: string;
  /** Sort key condition on the index's (or table's) sort key. */
  sort?:
    | { beginsWith: string }
    | { between: [string, string] }
    | { lte: string }
    | { lt: string }
    | { gt: string }
    | { gte: string };
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  newestFirst?: boolean;
  filter?: Expression;
  /** Also items whose TTL has passed (retention, which deletes them for good); never for what users see. */
  includeExpired?: boolean;
}

export interface Page<T = Item> {
  items: T[];
  cursor?: string;
}

function keyNames(index: IndexName | undefined): { partition: string; sort: string } {
  if (!index) return { partition: TABLE_DEFINITION.partitionKey.name, sort: TABLE_DEFINITION.sortKey.name };
  const def = TABLE_DEFINITION.indexes.find((i) => i.name === index);
  if (!def) throw new Error(`Unknown index ${index}`);
  return { partition: def.partitionKey.name, sort: def.sortKey.name };
}

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** One page of a key-condition query (no scans, no PartiQL — see DESIGN.md, data residency). */
export async function query(input: QueryInput): Promise<Page> {
  const names = keyNames(input.index);
  const exprNames: Record<string, string> = { '#p': names.partition, ...input.filter?.names };
  const exprValues: Record<string, unknown> = { ':p': input.partition, ...input.filter?.values };
  let keyCondition = '#p = :p';
  if (input.sort) {
    exprNames['#s'] = names.sort;
    if ('beginsWith' in input.sort) {
      keyCondition += ' AND begins_with(#s, :s)';
      exprValues[':s'] = input.sort.beginsWith;
    } else if ('between' in input.sort) {
      keyCondition += ' AND #s BETWEEN :s1 AND :s2';
      exprValues[':s1'] = input.sort.between[0];
      exprValues[':s2'] = input.sort.between[1];
    } else if ('lte' in input.sort) {
      keyCondition += ' AND #s <= :s';
      exprValues[':s'] = input.sort.lte;
    } else if ('lt' in input.sort) {
      keyCondition += ' AND #s < :s';
      exprValues[':s'] = input.sort.lt;
    } else if ('gt' in input.sort) {
      keyCondition += ' AND #s > :s';
      exprValues[':s'] = input.sort.gt;
    } else {
      keyCondition += ' AND #s >= :s';
      exprValues[':s'] = input.sort.gte;
    }
  }
  const out = await client().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: input.index,
      KeyConditionExpression: keyCondition,
      FilterExpression: input.filter?.expression,
      ExpressionAttributeNames: exprNames,
      ExpressionAttributeValues: exprValues,
      Limit: input.limit,
      ExclusiveStartKey: decodeCursor(input.cursor),
      ScanIndexForward: !input.newestFirst,
    }),
  );
  const items = out.Items ?? [];
  return {
    items: input.includeExpired ? items : items.filter(isLive),
    cursor: encodeCursor(out.LastEvaluatedKey),
  };
}

/** Every item of a query, page by page (for bounded sets such as one record's children). */
export async function queryAll(input: Omit<QueryInput, 'cursor'>): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await query({ ...input, cursor });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}
