import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { subscriptionKey } from '@bridgeport/core';

/** The table name store tests with a mocked DynamoDB use. */
export const MOCK_TABLE = 'bridgeport-test-events';

/** A document client for a mocked DynamoDB (`mockClient(DynamoDBDocumentClient)`): it never reaches a network. */
export function mockedDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
}

/** A well-formed subscription item as the document client returns it. */
export function subscriptionDocument(id: string): Record<string, unknown> {
  return {
    ...subscriptionKey(id),
    entity: 'SUBSCRIPTION',
    id,
    event_type: 'order_created',
    version: 1,
    application: 'orders',
    team: 'shipping',
    connection_type: 'LAMBDA',
    connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:ship',
    retry_policy: { maximum_event_age_seconds: 3600, maximum_retry_attempts: 3 },
    state: 'READY',
    status: 'ACTIVE',
    created_at: '2026-11-26T08:00:00.000Z',
    updated_at: '2026-11-26T08:00:00.000Z',
    request_digest: 'digest',
  };
}
