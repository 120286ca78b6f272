import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ListSchemaVersionsCommand,
  SchemasClient,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { type AwsEndpoint, type S3ObjectNotification, startAwsEndpoint } from '../../src/index';

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

describe('startAwsEndpoint with the AWS SDK v3 clients', () => {
  let dataDir: string;
  let endpoint: AwsEndpoint;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-edge-'));
    endpoint = await startAwsEndpoint({ port: 0, dataDir });
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
    // Only the standard variables: no endpoint is configured in code.
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    process.env.AWS_ACCESS_KEY_ID = 'any-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'any-secret';
    process.env.AWS_REGION = 'us-east-1';
  });

  afterAll(async () => {
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    await endpoint.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('DynamoDB', () => {
    it('creates a table that is ACTIVE once CreateTable answers, and reads back an item it stored', async () => {
      const client = new DynamoDBClient({});
      await client.send(
        new CreateTableCommand({
          TableName: 'local-self-service-events-table',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const described = await client.send(
        new DescribeTableCommand({ TableName: 'local-self-service-events-table' }),
      );
      await client.send(
        new PutItemCommand({
          TableName: 'local-self-service-events-table',
          Item: { pk: { S: 'a' }, v: { N: '1' } },
        }),
      );

      const result = await client.send(
        new GetItemCommand({ TableName: 'local-self-service-events-table', Key: { pk: { S: 'a' } } }),
      );

      expect(described.Table?.TableStatus).toBe('ACTIVE');
      expect(result.Item).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
      client.destroy();
    });
  });

  describe('S3', () => {
    it('stores and returns objects path-style and notifies listeners of created and removed objects', async () => {
      const client = new S3Client({ forcePathStyle: true });
      const seen: S3ObjectNotification[] = [];
      const unsubscribe = endpoint.s3Notifications.onChange(
        (n) => seen.push(n),
        'local-publisher-components',
      );
      await client.send(new CreateBucketCommand({ Bucket: 'local-publisher-components' }));

      await client.send(
        new PutObjectCommand({
          Bucket: 'local-publisher-components',
          Key: 'scanned_parcel/1/deploy.json',
          Body: '{"format":1}',
          ContentType: 'application/json',
        }),
      );
      const got = await client.send(
        new GetObjectCommand({ Bucket: 'local-publisher-components', Key: 'scanned_parcel/1/deploy.json' }),
      );
      const body = await got.Body?.transformToString();
      await client.send(
        new DeleteObjectCommand({
          Bucket: 'local-publisher-components',
          Key: 'scanned_parcel/1/deploy.json',
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      unsubscribe();

      expect(body).toBe('{"format":1}');
      expect(seen.map((n) => [n.type, n.eventName, n.bucket, n.key])).toEqual([
        ['created', 'ObjectCreated:Put', 'local-publisher-components', 'scanned_parcel/1/deploy.json'],
        ['removed', 'ObjectRemoved:Delete', 'local-publisher-components', 'scanned_parcel/1/deploy.json'],
      ]);
      client.destroy();
    });

    it('notifies a removal for every key of a multi-object delete', async () => {
      const client = new S3Client({ forcePathStyle: true });
      await client.send(new CreateBucketCommand({ Bucket: 'local-subscriber-components' }));
      for (const key of ['a/1/x/deploy.json', 'a/1/y & z/deploy.json']) {
        await client.send(
          new PutObjectCommand({ Bucket: 'local-subscriber-components', Key: key, Body: '{}' }),
        );
      }
      const removed: string[] = [];
      endpoint.s3Notifications.on('objectRemoved', (n) => removed.push(`${n.bucket}/${n.key}`));

      await client.send(
        new DeleteObjectsCommand({
          Bucket: 'local-subscriber-components',
          Delete: { Objects: [{ Key: 'a/1/x/deploy.json' }, { Key: 'a/1/y & z/deploy.json' }] },
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      endpoint.s3Notifications.removeAllListeners('objectRemoved');

      expect(removed.sort()).toEqual([
        'local-subscriber-components/a/1/x/deploy.json',
        'local-subscriber-components/a/1/y & z/deploy.json',
      ]);
      client.destroy();
    });

    it('passes a streamed upload (aws-chunked with a trailing checksum) through intact', async () => {
      const client = new S3Client({ forcePathStyle: true });
      await client.send(new CreateBucketCommand({ Bucket: 'streams' }));
      const payload = Buffer.alloc(200_000);
      for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 31) % 251;

      await client.send(
        new PutObjectCommand({
          Bucket: 'streams',
          Key: 'blob.bin',
          Body: Readable.from([payload.subarray(0, 70_000), payload.subarray(70_000)]),
          ContentLength: payload.length,
        }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: 'streams', Key: 'blob.bin' }));
      const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);

      expect(bytes.length).toBe(payload.length);
      expect(bytes.equals(payload)).toBe(true);
      client.destroy();
    });
  });

  describe('Schemas', () => {
    it('numbers schema versions 1, 2, … and describes the latest or a given version', async () => {
      const client = new SchemasClient({});
      await client.send(
        new CreateRegistryCommand({ RegistryName: 'local-bridgeport-events', Description: 'events' }),
      );
      const created = await client.send(
        new CreateSchemaCommand({
          RegistryName: 'local-bridgeport-events',
          SchemaName: 'scanned_parcel',
          Type: 'JSONSchemaDraft4',
          Content: '{"type":"object"}',
        }),
      );
      const updated = await client.send(
        new UpdateSchemaCommand({
          RegistryName: 'local-bridgeport-events',
          SchemaName: 'scanned_parcel',
          Type: 'JSONSchemaDraft4',
          Content: '{"type":"object","required":["a"]}',
        }),
      );

      const latest = await client.send(
        new DescribeSchemaCommand({ RegistryName: 'local-bridgeport-events', SchemaName: 'scanned_parcel' }),
      );
      const first = await client.send(
        new DescribeSchemaCommand({
          RegistryName: 'local-bridgeport-events',
          SchemaName: 'scanned_parcel',
          SchemaVersion: '1',
        }),
      );
      const versions = await client.send(
        new ListSchemaVersionsCommand({
          RegistryName: 'local-bridgeport-events',
          SchemaName: 'scanned_parcel',
        }),
      );
      const registry = await client.send(
        new DescribeRegistryCommand({ RegistryName: 'local-bridgeport-events' }),
      );

      expect(created.SchemaVersion).toBe('1');
      expect(updated.SchemaVersion).toBe('2');
      expect(latest).toMatchObject({
        SchemaVersion: '2',
        Content: '{"type":"object","required":["a"]}',
        Type: 'JSONSchemaDraft4',
      });
      expect(latest.VersionCreatedDate).toBeInstanceOf(Date);
      expect(first.Content).toBe('{"type":"object"}');
      expect(versions.SchemaVersions?.map((v) => v.SchemaVersion)).toEqual(['1', '2']);
      expect(registry).toMatchObject({
        RegistryName: 'local-bridgeport-events',
        Description: 'events',
        RegistryArn: 'arn:aws:schemas:us-east-1:000000000000:registry/local-bridgeport-events',
      });
      client.destroy();
    });

    it('answers NotFoundException for a deleted schema and ConflictException for a duplicate registry', async () => {
      const client = new SchemasClient({});
      await client.send(new CreateRegistryCommand({ RegistryName: 'gone' }));
      await client.send(
        new CreateSchemaCommand({
          RegistryName: 'gone',
          SchemaName: 's',
          Type: 'OpenApi3',
          Content: '{"openapi":"3.0.0"}',
        }),
      );
      await client.send(new DeleteSchemaCommand({ RegistryName: 'gone', SchemaName: 's' }));

      await expect(
        client.send(new DescribeSchemaCommand({ RegistryName: 'gone', SchemaName: 's' })),
      ).rejects.toMatchObject({
        name: 'NotFoundException',
        message: 'Schema s does not exist in registry gone.',
        $metadata: { httpStatusCode: 404 },
      });
      await expect(client.send(new CreateRegistryCommand({ RegistryName: 'gone' }))).rejects.toMatchObject({
        name: 'ConflictException',
        $metadata: { httpStatusCode: 409 },
      });
      client.destroy();
    });
  });

  describe('EventBridge', () => {
    it('evaluates TestEventPattern', async () => {
      const client = new EventBridgeClient({});
      const event = JSON.stringify({
        id: '1',
        account: '000000000000',
        source: 'parcels',
        time: '2026-01-01T00:00:00Z',
        region: 'us-east-1',
        'detail-type': 'scanned_parcel.1',
        detail: {},
      });

      const matching = await client.send(
        new TestEventPatternCommand({ Event: event, EventPattern: '{"source":["parcels"]}' }),
      );
      const other = await client.send(
        new TestEventPatternCommand({ Event: event, EventPattern: '{"source":["other"]}' }),
      );

      expect(matching.Result).toBe(true);
      expect(other.Result).toBe(false);
      client.destroy();
    });

    it('accepts PutEvents entries and reports per-entry errors index-aligned', async () => {
      const client = new EventBridgeClient({});

      const result = await client.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'parcels', DetailType: 'scanned_parcel.1', Detail: '{"data":{}}' },
            { DetailType: 'scanned_parcel.1', Detail: '{}' },
            { Source: 'parcels', DetailType: 'scanned_parcel.1', Detail: '"text"' },
          ],
        }),
      );

      expect(result.FailedEntryCount).toBe(2);
      expect(result.Entries?.[0].EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.Entries?.[1]).toEqual({
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      });
      expect(result.Entries?.[2]).toEqual({
        ErrorCode: 'MalformedDetail',
        ErrorMessage: 'Detail is malformed.',
      });
      client.destroy();
    });

    it('rejects more than 10 entries with a ValidationException', async () => {
      const client = new EventBridgeClient({});
      const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));

      await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
        $metadata: { httpStatusCode: 400 },
      });
      client.destroy();
    });

    it('manages a custom bus, its rules and targets, with AWS error shapes', async () => {
      const client = new EventBridgeClient({});
      await client.send(new CreateEventBusCommand({ Name: 'local.custom.events.bus' }));
      const bus = await client.send(new DescribeEventBusCommand({ Name: 'local.custom.events.bus' }));
      const put = await client.send(
        new PutRuleCommand({
          Name: 'rule-a',
          EventBusName: 'local.custom.events.bus',
          EventPattern: '{"source":["parcels"]}',
          State: 'ENABLED',
        }),
      );
      await client.send(
        new PutTargetsCommand({
          Rule: 'rule-a',
          EventBusName: 'local.custom.events.bus',
          Targets: [
            {
              Id: 'sink',
              Arn: 'http://127.0.0.1:9/events',
              RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 },
              DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' },
              HttpParameters: { HeaderParameters: { 'x-team': 'parcels' } },
            },
          ],
        }),
      );

      const described = await client.send(
        new DescribeRuleCommand({ Name: 'rule-a', EventBusName: 'local.custom.events.bus' }),
      );
      const listed = await client.send(
        new ListRulesCommand({ EventBusName: 'local.custom.events.bus', NamePrefix: 'rule-' }),
      );
      const targets = await client.send(
        new ListTargetsByRuleCommand({ Rule: 'rule-a', EventBusName: 'local.custom.events.bus' }),
      );
      const blocked = client.send(
        new DeleteRuleCommand({ Name: 'rule-a', EventBusName: 'local.custom.events.bus' }),
      );

      expect(bus.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/local.custom.events.bus');
      expect(bus.CreationTime).toBeInstanceOf(Date);
      expect(put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/local.custom.events.bus/rule-a');
      expect(described).toMatchObject({
        Name: 'rule-a',
        State: 'ENABLED',
        EventPattern: '{"source":["parcels"]}',
      });
      expect(listed.Rules?.map((rule) => rule.Name)).toEqual(['rule-a']);
      expect(targets.Targets).toEqual([
        {
          Id: 'sink',
          Arn: 'http://127.0.0.1:9/events',
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' },
          HttpParameters: { HeaderParameters: { 'x-team': 'parcels' } },
        },
      ]);
      await expect(blocked).rejects.toMatchObject({
        name: 'ValidationException',
        message: "Rule can't be deleted since it has targets.",
      });

      await client.send(
        new RemoveTargetsCommand({ Rule: 'rule-a', EventBusName: 'local.custom.events.bus', Ids: ['sink'] }),
      );
      await client.send(new DeleteRuleCommand({ Name: 'rule-a', EventBusName: 'local.custom.events.bus' }));
      await expect(
        client.send(new DescribeRuleCommand({ Name: 'rule-a', EventBusName: 'local.custom.events.bus' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'Rule rule-a does not exist on EventBus local.custom.events.bus.',
        $metadata: { httpStatusCode: 400 },
      });
      client.destroy();
    });
  });
});
