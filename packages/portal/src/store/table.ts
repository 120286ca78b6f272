import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { EventsTableKey } from '@bridgeport/core';

export { EventsTableKey };

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
