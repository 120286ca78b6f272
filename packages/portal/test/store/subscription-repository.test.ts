import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { DependencyFailureError, subscriptionKey, subscriptionPartition } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import { BATCH_ATTEMPTS } from '../../src/store/batch-retry';
import { EventStore } from '../../src/store/event-store';
import { UnprocessedKeysError } from '../../src/store/store-errors';
import { MOCK_TABLE, mockedDocumentClient, subscriptionDocument } from '../support/dynamo-mock';

// DynamoDB leaves keys unprocessed when it throttles the table, which the embedded DynamoDB never does.
const dynamo = mockClient(DynamoDBDocumentClient);
const store = new EventStore({ tableName: MOCK_TABLE, client: mockedDocumentClient() });

afterEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

const unprocessed = (...ids: string[]) => ({ [MOCK_TABLE]: { Keys: ids.map(subscriptionKey) } });

describe('reading several subscriptions', () => {
  it('reads the keys left unprocessed again and answers every subscription, in the order asked', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [MOCK_TABLE]: [subscriptionDocument('aaaaaaaaaaaa')] },
        UnprocessedKeys: unprocessed('bbbbbbbbbbbb', 'cccccccccccc'),
      })
      .resolvesOnce({
        Responses: {
          [MOCK_TABLE]: [subscriptionDocument('cccccccccccc'), subscriptionDocument('bbbbbbbbbbbb')],
        },
      });

    const records = await store.getSubscriptions(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);

    expect(records.map((record) => record.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
    const calls = dynamo.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.[MOCK_TABLE]).toEqual({
      Keys: [subscriptionKey('bbbbbbbbbbbb'), subscriptionKey('cccccccccccc')],
      ConsistentRead: true,
    });
  });

  it('fails, rather than answering fewer subscriptions, when keys stay unprocessed', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: { [MOCK_TABLE]: [subscriptionDocument('aaaaaaaaaaaa')] },
      UnprocessedKeys: unprocessed('bbbbbbbbbbbb'),
    });

    const failure = await store.getSubscriptions(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(UnprocessedKeysError);
    expect(failure).toBeInstanceOf(DependencyFailureError);
    expect(failure).toMatchObject({
      message: 'Reading the subscriptions failed',
      retryable: true,
      unprocessed: 1,
    });
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(BATCH_ATTEMPTS);
  });

  it('reads at most 100 keys per request', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [MOCK_TABLE]: [] } });
    const ids = Array.from({ length: 150 }, (_, i) => `a${String(i).padStart(11, '0')}`);

    expect(await store.getSubscriptions(ids)).toEqual([]);
    const sizes = dynamo
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[MOCK_TABLE]?.Keys?.length);
    expect(sizes).toEqual([100, 50]);
  });
});

describe('removing a subscription', () => {
  it('deletes again the items a batch left unprocessed, then the record', async () => {
    const partition = subscriptionPartition('aaaaaaaaaaaa');
    const under = [
      { PK: partition, SK: 'DEAD_LETTER#1' },
      { PK: partition, SK: 'DEAD_LETTER#2' },
    ];
    dynamo.on(QueryCommand).resolves({ Items: [...under, { PK: partition, SK: '#META' }] });
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [MOCK_TABLE]: [{ DeleteRequest: { Key: under[1] } }] } })
      .resolvesOnce({});
    dynamo.on(DeleteCommand).resolves({});

    await store.deleteSubscriptionRecords('aaaaaaaaaaaa');

    const writes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems);
    expect(writes).toEqual([
      { [MOCK_TABLE]: under.map((key) => ({ DeleteRequest: { Key: key } })) },
      { [MOCK_TABLE]: [{ DeleteRequest: { Key: under[1] } }] },
    ]);
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual(subscriptionKey('aaaaaaaaaaaa'));
  });
});
