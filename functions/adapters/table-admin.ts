import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { config } from '../config';
import { clientOptions } from './aws-clients';
import { TABLE_DEFINITION } from './table-definition';

/**
 * Creates the table from TABLE_DEFINITION where nothing else does: the embedded default and the tests.
 * In AWS the CDK stack creates it from the same definition.
 */
export async function ensureTable(): Promise<'created' | 'exists' | 'indexes-added'> {
  const client = new DynamoDBClient(clientOptions(config().endpoints.dynamodb));
  const TableName = config().tableName;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    return (await addMissingIndexes(client, TableName, Table?.GlobalSecondaryIndexes ?? []))
      ? 'indexes-added'
      : 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const def = TABLE_DEFINITION;
  const attributes = new Map<string, 'S' | 'N'>();
  for (const k of [
    def.partitionKey,
    def.sortKey,
    ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(k.name, k.type);
  }
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType,
      })),
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: def.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: def.streamView },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName,
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
    }),
  );
  return 'created';
}

/**
 * A table kept from an earlier version (the embedded default's `.data/`) gets the indexes added since, one per
 * update as DynamoDB requires. Items written before carry no key of a new index: the caller backfills them.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  TableName: string,
  existing: { IndexName?: string }[],
): Promise<boolean> {
  const missing = TABLE_DEFINITION.indexes.filter((i) => !existing.some((e) => e.IndexName === i.name));
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((k) => ({
          AttributeName: k.name,
          AttributeType: k.type,
        })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      const status = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === index.name)?.IndexStatus;
      if (status === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return missing.length > 0;
}

/** Whether the table answers (readiness of the emulator). */
export async function tableReachable(): Promise<boolean> {
  const client = new DynamoDBClient({ ...clientOptions(config().endpoints.dynamodb), maxAttempts: 1 });
  try {
    await client.send(new DescribeTableCommand({ TableName: config().tableName }));
    return true;
  } catch (error) {
    return error instanceof ResourceNotFoundException;
  } finally {
    client.destroy();
  }
}
