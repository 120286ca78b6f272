import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  BucketKind,
  bucketName,
  busName,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  ruleName,
  tableName,
} from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import { PortInUseError } from '../../src/runtime/errors';
import {
  call,
  envelope,
  PARCEL_DATA_SCHEMA,
  publish as publishEvent,
  type Sink,
  settle as settleRuntime,
  startSink,
  startTestRuntime,
  subscribe as subscribeTo,
  type TestRuntimeOptions,
  tempDataDir,
  waitFor,
} from './support';

const ENV = 'e2e';
const APPLICATION = 'parcel-tracking';

describe('bridgeport start, end to end', () => {
  let dataDir: string;
  let runtime: Bridgeport | undefined;
  let sink: Sink;
  const lines: string[] = [];

  const start = async (overrides: TestRuntimeOptions = {}): Promise<Bridgeport> => {
    runtime = await startTestRuntime(dataDir, {
      environment: ENV,
      maxEventSizeBytes: 4096,
      retryCapMs: 40,
      log: (line) => lines.push(line),
      ...overrides,
    });
    return runtime;
  };
  const portal = (route: string) => `${(runtime as Bridgeport).portalUrl}${route}`;
  const broker = (route: string) => `${(runtime as Bridgeport).brokerUrl}${route}`;

  const subscribe = (body: Record<string, unknown>): Promise<string> =>
    subscribeTo((runtime as Bridgeport).portalUrl, 'scanned_parcel', body);
  const publish = (target: string, data: Record<string, unknown>) =>
    publishEvent(runtime as Bridgeport, 'scanned_parcel', data, { target });
  const settle = (): Promise<void> => settleRuntime(runtime as Bridgeport);

  beforeAll(async () => {
    dataDir = await tempDataDir('e2e');
    sink = await startSink();
    await start();
  });

  afterAll(async () => {
    await runtime?.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is ready: GET /health answers 200 on the portal port', async () => {
    const health = await call('GET', portal('/health'));

    expect(health).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('creates an event type whose producer route goes live', async () => {
    const before = await call(
      'POST',
      broker('/scanned_parcel/1'),
      envelope('depot-7', { parcel_id: 'p0', weight_kg: 1 }),
    );
    expect(before.status).toBe(404);

    const created = await call('POST', portal('/events'), {
      application: APPLICATION,
      event_type: 'scanned_parcel',
      description: 'A parcel was scanned',
      connection_type: 'HTTPS',
      data: PARCEL_DATA_SCHEMA,
    });
    expect(created.status).toBe(201);
    const version = await waitFor('the producer to be ACTIVE', async () => {
      const found = await call('GET', portal('/events/scanned_parcel/versions/1'));
      return (found.body as { status: string }).status === 'ACTIVE' ? found.body : undefined;
    });

    expect(version).toMatchObject({ event_type: 'scanned_parcel', version: 1, status: 'ACTIVE' });
    const accepted = await publish('nobody', { parcel_id: 'p0', weight_kg: 1 });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('answers 404 for an unknown event type or version, 413 over the size limit, 400 with the failing paths', async () => {
    const unknownType = await call('POST', broker('/no_such_type/1'), envelope('x', {}));
    const unknownVersion = await call('POST', broker('/scanned_parcel/2'), envelope('x', {}));
    const tooLarge = await publish('depot-7', { parcel_id: 'p', weight_kg: 1, note: 'x'.repeat(5000) });
    const invalid = await publish('depot-7', { parcel_id: 42 });

    expect(unknownType.status).toBe(404);
    expect(unknownVersion).toEqual({
      status: 404,
      body: { message: 'No producer is deployed for scanned_parcel version 2' },
    });
    expect(tooLarge.status).toBe(413);
    expect(invalid.status).toBe(400);
    expect((invalid.body as { errors: { path: string }[] }).errors.map((error) => error.path).sort()).toEqual(
      ['$.data.parcel_id', '$.data.weight_kg'],
    );
  });

  it('delivers exactly the matching events to an HTTPS consumer with a target unit and a filter', async () => {
    await subscribe({
      connection_type: 'HTTPS',
      connection_string: sink.url('/heavy-depot-7'),
      target_unit: 'depot-7',
      filter: { weight_kg: [{ numeric: ['>', 10] }] },
    });

    const matching = await publish('depot-7', { parcel_id: 'p1', weight_kg: 12 });
    const otherUnit = await publish('depot-8', { parcel_id: 'p2', weight_kg: 12 });
    const filteredOut = await publish('depot-7', { parcel_id: 'p3', weight_kg: 5 });
    const invalid = await publish('depot-7', { parcel_id: 'p4', weight_kg: 'heavy' });
    await settle();

    expect([matching.status, otherUnit.status, filteredOut.status, invalid.status]).toEqual([
      200, 200, 200, 400,
    ]);
    const received = sink.on('/heavy-depot-7');
    expect(received).toHaveLength(1);
    const event = JSON.parse(received[0].body) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(event).toEqual({
      version: '0',
      id: (matching.body as { event_id: string }).event_id,
      'detail-type': 'scanned_parcel.1',
      source: APPLICATION,
      account: LOCAL_ACCOUNT_ID,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: LOCAL_REGION,
      resources: [],
      detail: envelope('depot-7', { parcel_id: 'p1', weight_kg: 12 }),
    });
    expect(received[0].headers['content-type']).toMatch(/^application\/json/);
  });

  it('delivers to a consumer on this machine named with http://', async () => {
    await subscribe({
      connection_type: 'HTTPS',
      connection_string: `http://127.0.0.1:${sink.port}/plain`,
      target_unit: 'plain-unit',
    });

    const published = await publish('plain-unit', { parcel_id: 'p11', weight_kg: 1 });
    await settle();

    expect(sink.on('/plain').map((request) => JSON.parse(request.body).id)).toEqual([
      (published.body as { event_id: string }).event_id,
    ]);
  });

  it('retries a consumer answering 500 and delivers once it recovers', async () => {
    sink.script('/flaky', [500, 503]);
    await subscribe({
      connection_type: 'HTTPS',
      connection_string: sink.url('/flaky'),
      target_unit: 'flaky-unit',
      retry_policy: { maximum_retry_attempts: 5, maximum_event_age_seconds: 60 },
    });

    const published = await publish('flaky-unit', { parcel_id: 'p5', weight_kg: 2 });
    await settle();

    const attempts = sink.on('/flaky').map((request) => JSON.parse(request.body).id as string);
    expect(attempts).toEqual([
      (published.body as { event_id: string }).event_id,
      (published.body as { event_id: string }).event_id,
      (published.body as { event_id: string }).event_id,
    ]);
  });

  it('dead-letters at once an event a consumer refuses with 400, readable through the portal', async () => {
    sink.always('/refuses', 400);
    const id = await subscribe({
      connection_type: 'HTTPS',
      connection_string: sink.url('/refuses'),
      target_unit: 'refusing-unit',
    });

    const published = await publish('refusing-unit', { parcel_id: 'p6', weight_kg: 3 });
    await settle();
    const deadLetters = await waitFor('the dead letter', async () => {
      const page = await call('GET', portal(`/subscriptions/${id}/dead-letters`));
      const items = (page.body as { items: Record<string, unknown>[] }).items;
      return items.length > 0 ? items : undefined;
    });

    expect(sink.on('/refuses')).toHaveLength(1);
    expect(lines).toContain(
      `Event ${(published.body as { event_id: string }).event_id} could not be delivered to ${ruleName(ENV, 'scanned_parcel', 1, id)} after 1 attempt(s): HTTP_400 http://127.0.0.1:${sink.port}/refuses answered HTTP 400: refused with 400`,
    );
    expect(deadLetters).toEqual([
      expect.objectContaining({
        subscription_id: id,
        error_code: 'HTTP_400',
        error_message: `http://127.0.0.1:${sink.port}/refuses answered HTTP 400: refused with 400`,
        retry_attempts: 0,
        event: expect.objectContaining({ id: (published.body as { event_id: string }).event_id }),
      }),
    ]);
  });

  it('dead-letters an event once the retry policy is exhausted, with the attempt count', async () => {
    sink.always('/down', 502);
    const id = await subscribe({
      connection_type: 'HTTPS',
      connection_string: sink.url('/down'),
      target_unit: 'down-unit',
      retry_policy: { maximum_retry_attempts: 2, maximum_event_age_seconds: 60 },
    });

    await publish('down-unit', { parcel_id: 'p12', weight_kg: 3 });
    await settle();
    const deadLetters = await waitFor('the dead letter', async () => {
      const page = await call('GET', portal(`/subscriptions/${id}/dead-letters`));
      const items = (page.body as { items: Record<string, unknown>[] }).items;
      return items.length > 0 ? items : undefined;
    });

    expect(sink.on('/down')).toHaveLength(3);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        error_code: 'HTTP_502',
        error_message: `http://127.0.0.1:${sink.port}/down answered HTTP 502: refused with 502`,
        exhausted_retry_condition: 'MaximumRetryAttempts',
        retry_attempts: 2,
      }),
    ]);
  });

  it('stops delivering to a deleted subscription and removes its rule', async () => {
    const id = await subscribe({
      connection_type: 'HTTPS',
      connection_string: sink.url('/leaving'),
      target_unit: 'leaving-unit',
    });
    await publish('leaving-unit', { parcel_id: 'p7', weight_kg: 1 });
    await settle();
    expect(sink.on('/leaving')).toHaveLength(1);

    const deleted = await call('DELETE', portal(`/subscriptions/${id}`));
    await waitFor(
      'the rule to be removed',
      async () => !(await listRuleNames()).includes(ruleName(ENV, 'scanned_parcel', 1, id)),
    );
    await publish('leaving-unit', { parcel_id: 'p8', weight_kg: 1 });
    await settle();

    expect(deleted.status).toBe(204);
    expect(sink.on('/leaving')).toHaveLength(1);
  });

  it('answers the AWS SDK clients on the AWS port (EventBridge, DynamoDB, S3)', async () => {
    const eventBridge = new EventBridgeClient({});
    const dynamodb = new DynamoDBClient({});
    const s3 = new S3Client({});
    try {
      const tested = await eventBridge.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ 'detail-type': ['scanned_parcel.1'] }),
          Event: JSON.stringify({
            id: '1',
            account: LOCAL_ACCOUNT_ID,
            source: APPLICATION,
            time: '2026-01-01T00:00:00Z',
            region: LOCAL_REGION,
            resources: [],
            'detail-type': 'scanned_parcel.1',
            detail: {},
          }),
        }),
      );
      const put = await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: busName(ENV),
              Source: APPLICATION,
              DetailType: 'scanned_parcel.1',
              Detail: JSON.stringify(envelope('depot-7', { parcel_id: 'sdk', weight_kg: 50 })),
            },
          ],
        }),
      );
      await settle();
      const tables = await dynamodb.send(new ListTablesCommand({}));
      const manifests = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucketName(BucketKind.PUBLISHER, {
            environment: ENV,
            account: LOCAL_ACCOUNT_ID,
            region: LOCAL_REGION,
          }),
        }),
      );

      expect(tested.Result).toBe(true);
      expect(put.FailedEntryCount).toBe(0);
      const delivered = sink.on('/heavy-depot-7').map((request) => JSON.parse(request.body).id);
      expect(delivered).toContain(put.Entries?.[0]?.EventId);
      expect(tables.TableNames).toContain(tableName(ENV));
      expect(manifests.Contents?.map((object) => object.Key)).toEqual(['scanned_parcel/1/deploy.json']);
    } finally {
      eventBridge.destroy();
      dynamodb.destroy();
      s3.destroy();
    }
  });

  it('restores event types, subscriptions, routes, rules and undelivered events after a restart', async () => {
    // A consumer that is down: its event stays owed across the restart.
    const downSink = await startSink();
    const downPort = downSink.port;
    await downSink.close();
    const id = await subscribe({
      connection_type: 'HTTPS',
      connection_string: `https://127.0.0.1:${downPort}/later`,
      target_unit: 'later-unit',
    });
    const owed = await publish('later-unit', { parcel_id: 'p9', weight_kg: 1 });
    await waitFor('a failed attempt', () => (runtime as Bridgeport).bus.pendingDeliveries === 1);
    const rulesBefore = await listRuleNames();
    await (runtime as Bridgeport).close();

    const revived = await startSink(downPort);
    try {
      await start();
      const types = await call('GET', portal('/events'));
      const subscription = await call('GET', portal(`/subscriptions/${id}`));
      const republished = await publish('depot-7', { parcel_id: 'p10', weight_kg: 11 });
      await settle();

      expect(
        (types.body as { items: { event_type: string }[] }).items.map((item) => item.event_type),
      ).toEqual(['scanned_parcel']);
      expect(subscription.body).toMatchObject({ id, status: 'ACTIVE' });
      expect(await listRuleNames()).toEqual(rulesBefore);
      expect(republished.status).toBe(200);
      expect(revived.on('/later').map((request) => JSON.parse(request.body).id)).toEqual([
        (owed.body as { event_id: string }).event_id,
      ]);
      const targets = await new EventBridgeClient({}).send(
        new ListTargetsByRuleCommand({
          Rule: ruleName(ENV, 'scanned_parcel', 1, id),
          EventBusName: busName(ENV),
        }),
      );
      expect(targets.Targets).toHaveLength(1);
    } finally {
      await revived.close();
    }
  });

  it('names the option to change when a port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const otherDir = await tempDataDir('e2e-port');
    try {
      await expect(startTestRuntime(otherDir, { portalPort: port })).rejects.toThrow(
        new PortInUseError('portal API', `127.0.0.1:${port}`, {
          flag: 'portal-port',
          env: 'BRIDGEPORT_PORTAL_PORT',
        }),
      );
      await expect(startTestRuntime(otherDir, { awsPort: port })).rejects.toThrow(
        new PortInUseError('AWS endpoint', `127.0.0.1:${port}`, {
          flag: 'aws-port',
          env: 'BRIDGEPORT_AWS_PORT',
        }),
      );
    } finally {
      blocker.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

async function listRuleNames(): Promise<string[]> {
  const client = new EventBridgeClient({});
  try {
    const rules = await client.send(new ListRulesCommand({ EventBusName: busName(ENV) }));
    return (rules.Rules ?? []).map((rule) => rule.Name ?? '').sort();
  } finally {
    client.destroy();
  }
}
