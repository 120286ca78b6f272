import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  DescribeSchemaCommand,
  SchemasClient,
} from '@aws-sdk/client-schemas';
import { type AwsEndpoint, HttpTargetDispatcher, startAwsEndpoint } from '../../src/index';
import { startSink } from '../bus/fixtures/sink';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function clients(endpoint: AwsEndpoint) {
  const config = { endpoint: endpoint.url, region: 'us-east-1', credentials };
  return {
    events: new EventBridgeClient(config),
    dynamodb: new DynamoDBClient(config),
    schemas: new SchemasClient(config),
    destroy() {
      this.events.destroy();
      this.dynamodb.destroy();
      this.schemas.destroy();
    },
  };
}

describe('the AWS endpoint across a restart on the same data directory', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-restart-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps tables, schemas, rules and targets, and delivers events put before the restart', async () => {
    const sink = await startSink((_request, index) => (index === 0 ? 503 : 200));
    const options = {
      port: 0,
      dataDir,
      bus: {
        dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
        backoff: { baseMs: 60_000, capMs: 60_000 },
      },
    };
    const first = await startAwsEndpoint(options);
    const before = clients(first);
    await before.dynamodb.send(
      new CreateTableCommand({
        TableName: 'kept-table',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists(
      { client: before.dynamodb, maxWaitTime: 10, minDelay: 0.05 },
      { TableName: 'kept-table' },
    );
    await before.dynamodb.send(new PutItemCommand({ TableName: 'kept-table', Item: { pk: { S: 'kept' } } }));
    await before.schemas.send(new CreateRegistryCommand({ RegistryName: 'r' }));
    await before.schemas.send(
      new CreateSchemaCommand({
        RegistryName: 'r',
        SchemaName: 's',
        Type: 'JSONSchemaDraft4',
        Content: '{}',
      }),
    );
    await before.events.send(new CreateEventBusCommand({ Name: 'local.custom.events.bus' }));
    await before.events.send(
      new PutRuleCommand({
        Name: 'sub',
        EventBusName: 'local.custom.events.bus',
        EventPattern: '{"source":["parcels"]}',
      }),
    );
    await before.events.send(
      new PutTargetsCommand({
        Rule: 'sub',
        EventBusName: 'local.custom.events.bus',
        Targets: [{ Id: 'sink', Arn: sink.url }],
      }),
    );
    const put = await before.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'parcels',
            DetailType: 'scanned_parcel.1',
            Detail: '{"data":{"parcel_id":"p-1"}}',
            Time: new Date('2026-03-04T05:06:07Z'),
            Resources: ['arn:aws:s3:::bucket'],
            EventBusName: 'local.custom.events.bus',
          },
        ],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    before.destroy();
    await first.close();

    const second = await startAwsEndpoint({
      ...options,
      bus: { ...options.bus, backoff: { baseMs: 2, capMs: 10 } },
    });
    const after = clients(second);
    const item = await after.dynamodb.send(
      new GetItemCommand({ TableName: 'kept-table', Key: { pk: { S: 'kept' } } }),
    );
    const schema = await after.schemas.send(
      new DescribeSchemaCommand({ RegistryName: 'r', SchemaName: 's' }),
    );
    const targets = await after.events.send(
      new ListTargetsByRuleCommand({ Rule: 'sub', EventBusName: 'local.custom.events.bus' }),
    );
    await second.bus.whenIdle();
    after.destroy();
    await second.close();
    await sink.close();

    expect(item.Item).toEqual({ pk: { S: 'kept' } });
    expect(schema.SchemaVersion).toBe('1');
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([sink.url]);
    expect(sink.received).toHaveLength(2);
    expect(JSON.parse(sink.received[1].body)).toEqual({
      version: '0',
      id: put.Entries?.[0].EventId,
      'detail-type': 'scanned_parcel.1',
      source: 'parcels',
      account: '000000000000',
      time: '2026-03-04T05:06:07Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::bucket'],
      detail: { data: { parcel_id: 'p-1' } },
    });
  });

  it('answers an invalid pattern with InvalidEventPatternException and AWS reason text', async () => {
    const endpoint = await startAwsEndpoint({ port: 0, dataDir });
    const sdk = clients(endpoint);
    const { events } = sdk;
    const event =
      '{"id":"1","account":"0","source":"s","time":"t","region":"r","detail-type":"d","detail":{}}';

    const invalidPattern = events.send(
      new TestEventPatternCommand({ Event: event, EventPattern: '{"source":"s"}' }),
    );
    const invalidEvent = events.send(
      new TestEventPatternCommand({ Event: '"plain string"', EventPattern: '{"source":["s"]}' }),
    );
    const invalidRule = events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"resources":[]}' }));

    await expect(invalidPattern).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: expect.stringContaining(
        'Event pattern is not valid. Reason: "source" must be an object or an array',
      ),
    });
    await expect(invalidEvent).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter Event is not valid.',
    });
    await expect(invalidRule).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: expect.stringContaining('Empty arrays are not allowed'),
    });
    sdk.destroy();
    await endpoint.close();
  });
});
