/**
 * The one definition of the table: the CDK stack (infra/stacks/stateful-stack.ts) and the embedded default
 * (infra/local) both build the table from it, so key schema, indexes and the TTL attribute cannot drift.
 * Plain data on purpose: no SDK or CDK types here.
 *
 * Data residency (DESIGN.md): only global secondary indexes with projection ALL, no LSIs, so the layout also
 * works on DynamoDB-compatible Russian services.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  /** Index name as DynamoDB sees it. */
  name: string;
  /** What the index answers, for a reader of the template. */
  purpose: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export const TABLE_DEFINITION = {
  partitionKey: { name: 'pk', type: 'S' } as KeyAttribute,
  sortKey: { name: 'sk', type: 'S' } as KeyAttribute,
  /** Items with this attribute (epoch seconds) are deleted by DynamoDB after that time; reads must still skip them. */
  ttlAttribute: 'expiresAt',
  /** The outbox worker reads new items from the stream in AWS (and polls as a safety net). */
  streamView: 'NEW_AND_OLD_IMAGES' as const,
  indexes: [
    {
      name: 'queue',
      purpose: 'staff queue: records of one kind, newest first',
      partitionKey: { name: 'queuePk', type: 'S' },
      sortKey: { name: 'queueSk', type: 'S' },
    },
    {
      name: 'deadline',
      purpose:
        'staff queue by deadline: records of one kind, earliest exact dueAt first, those without one last',
      partitionKey: { name: 'queuePk', type: 'S' },
      sortKey: { name: 'deadlineSk', type: 'S' },
    },
    {
      name: 'due',
      purpose: 'open stages ordered by deadline, for the deadline worker (no scans)',
      partitionKey: { name: 'duePk', type: 'S' },
      sortKey: { name: 'dueSk', type: 'S' },
    },
    {
      name: 'outbox',
      purpose: 'pending outbox items ordered by their next attempt',
      partitionKey: { name: 'outboxPk', type: 'S' },
      sortKey: { name: 'outboxSk', type: 'S' },
    },
    {
      name: 'assignee',
      purpose: 'records assigned to one person (a curator sees only their routes)',
      partitionKey: { name: 'assigneePk', type: 'S' },
      sortKey: { name: 'assigneeSk', type: 'S' },
    },
  ] satisfies IndexDefinition[],
};

export type IndexName = (typeof TABLE_DEFINITION.indexes)[number]['name'];
