import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { versionKey } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import { TableOperations } from '../../src/store/table-operations';
import { MOCK_TABLE, mockedDocumentClient } from '../support/dynamo-mock';

const dynamo = mockClient(DynamoDBDocumentClient);
const table = new TableOperations({ tableName: MOCK_TABLE, client: mockedDocumentClient() });

afterEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

describe('querying every item', () => {
  it('follows the pages DynamoDB answers until the last one', async () => {
    const first = { ...versionKey('order_created', 1), version: 1 };
    const second = { ...versionKey('order_created', 2), version: 2 };
    // The paginator moves its request on in place: each page's start key is noted as it is asked for.
    const starts: unknown[] = [];
    dynamo.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      starts.push(input.ExclusiveStartKey);
      return starts.length === 1
        ? { Items: [first], LastEvaluatedKey: versionKey('order_created', 1) }
        : { Items: [second] };
    });

    const items = await table.queryAll(
      {
        TableName: MOCK_TABLE,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'PK' },
        ExpressionAttributeValues: { ':pk': 'EVENT_TYPE#order_created' },
      },
      'Reading the event versions',
    );

    expect(items).toEqual([first, second]);
    expect(starts).toEqual([undefined, versionKey('order_created', 1)]);
  });

  it('names the step when a page fails', async () => {
    dynamo.on(QueryCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    await expect(
      table.queryAll(
        { TableName: MOCK_TABLE, KeyConditionExpression: 'PK = :pk' },
        'Reading the event versions',
      ),
    ).rejects.toMatchObject({ name: 'DependencyFailureError', message: 'Reading the event versions failed' });
  });
});
