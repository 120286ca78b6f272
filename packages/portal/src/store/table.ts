import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Names of the table's key attributes and global secondary indexes (single-table design). */
export const EventsTableKey = {
  PARTITION: 'PK',
  SORT: 'SK',
  /** GSI1: every event type (`EVENT_TYPES`) or every subscription (`SUBSCRIPTIONS`), one partition each. */
  LIST_INDEX: 'GSI1',
  LIST_PARTITION: 'GSI1PK',
  LIST_SORT: 'GSI1SK',
  /** GSI2: event types of one application, subscriptions of one event type (sorted by version). */
  LOOKUP_INDEX: 'GSI2',
  LOOKUP_PARTITION: 'GSI2PK',
  LOOKUP_SORT: 'GSI2SK',
  /** Epoch seconds after which DynamoDB may remove an item (dead letters). */
  TIME_TO_LIVE: 'expires_at',
} as const;

/**
 * The events table as `CreateTable` input: the local runtime and tests create it from this, and a test
 * checks that template.yaml declares the same keys and indexes.
 */
export function eventsTableDefinition(tableName: string): CreateTableCommandInput {
  const k = EventsTableKey;
  const index = (name: string, partition: string, sort: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: partition, KeyType: 'HASH' as const },
      { AttributeName: sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      k.PARTITION,
      k.SORT,
      k.LIST_PARTITION,
      k.LIST_SORT,
      k.LOOKUP_PARTITION,
      k.LOOKUP_SORT,
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: k.PARTITION, KeyType: 'HASH' },
      { AttributeName: k.SORT, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      index(k.LIST_INDEX, k.LIST_PARTITION, k.LIST_SORT),
      index(k.LOOKUP_INDEX, k.LOOKUP_PARTITION, k.LOOKUP_SORT),
    ],
  };
}
