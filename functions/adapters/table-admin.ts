import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { config } from '../config';
import { clientOptions } from './aws-clients';
import { TABLE_DEFINITION } from './table-definition';

/**
 * Creates the table from TABLE_DEFINITION where nothing else does: the embedded default and the tests.
 * In AWS the CDK stack creates it from the same definition.
 */
export async function ensureTable(): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient(clientOptions(config().endpoints.dynamodb));
  const TableName = config().tableName;
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return 'exists';
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
