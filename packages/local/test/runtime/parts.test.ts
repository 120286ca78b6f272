import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { localScope } from '@bridgeport/core';
import { LocalQueueStore } from '../../src/aws/sqs/queue-store';
import { LocalBus } from '../../src/bus/local-bus';
import type { DeadLetter } from '../../src/bus/types';
import { ApiDestinations } from '../../src/deployer/api-destinations';
import { deadLetterQueueSink } from '../../src/runtime/dead-letters';
import { applyEnvironment, clientUrl, localEnvironment } from '../../src/runtime/environment';
import { inProcessEventBridgeClient } from '../../src/runtime/in-process-eventbridge';

describe('ApiDestinations', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-destinations-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('calls loopback https endpoints over plain http, others as configured, and keeps them across a reopen', async () => {
    const file = path.join(dir, 'destinations.json');
    const destinations = await ApiDestinations.open(file);
    await destinations.put('arn:local', 'https://127.0.0.1:4000/hook?x=1');
    await destinations.put('arn:named', 'https://localhost:4001/hook');
    await destinations.put('arn:remote', 'https://consumer.example.com/hook');

    const reopened = await ApiDestinations.open(file);

    expect(reopened.resolve('arn:local')).toBe('http://127.0.0.1:4000/hook?x=1');
    expect(reopened.resolve('arn:named')).toBe('http://localhost:4001/hook');
    expect(reopened.resolve('arn:remote')).toBe('https://consumer.example.com/hook');
    expect(reopened.resolve('arn:unknown')).toBeUndefined();
  });

  it('keeps every endpoint put at the same time', async () => {
    const file = path.join(dir, 'concurrent.json');
    const destinations = await ApiDestinations.open(file);

    await Promise.all(
      Array.from({ length: 20 }, (_, n) => destinations.put(`arn:${n}`, `https://consumer.example.com/${n}`)),
    );
    const reopened = await ApiDestinations.open(file);

    expect(Array.from({ length: 20 }, (_, n) => reopened.resolve(`arn:${n}`))).toEqual(
      Array.from({ length: 20 }, (_, n) => `https://consumer.example.com/${n}`),
    );
  });

  it('keeps TLS to loopback hosts when asked to', async () => {
    const destinations = await ApiDestinations.open(path.join(dir, 'tls.json'), { loopbackTls: true });
    await destinations.put('arn:local', 'https://127.0.0.1:4000/hook');

    expect(destinations.resolve('arn:local')).toBe('https://127.0.0.1:4000/hook');
  });
});

describe('deadLetterQueueSink', () => {
  let dir: string;
  let queues: LocalQueueStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-dead-letters-'));
    queues = new LocalQueueStore(path.join(dir, 'queues'));
    await queues.createQueue('orders-dlq');
  });

  afterAll(async () => {
    await queues.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deadLetter = (deadLetterArn?: string): DeadLetter => ({
    eventBusName: 'local.custom.events.bus',
    ruleName: 'rule',
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/local.custom.events.bus/rule',
    targetId: 'abcdefghijkl-target',
    targetArn: 'arn:aws:events:us-east-1:000000000000:api-destination/orders',
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    event: {
      version: '0',
      id: 'e1',
      'detail-type': 't.1',
      source: 'app',
      account: '000000000000',
      time: '2026-11-26T08:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {},
    },
    errorCode: 'HTTP_500',
    errorMessage: 'http://127.0.0.1:1/x answered HTTP 500',
    attempts: 4,
    exhaustedRetryCondition: 'MaximumRetryAttempts',
    failedAt: '2026-11-26T08:00:01.000Z',
  });

  it("sends a dead letter to the target's dead-letter queue as EventBridge does: the event, the failure as attributes", async () => {
    const fallback: DeadLetter[] = [];
    const sink = deadLetterQueueSink({ queues, fallback: (letter) => void fallback.push(letter) });

    await sink(deadLetter('arn:aws:sqs:us-east-1:000000000000:orders-dlq'));

    const [message] = await queues.receive('orders-dlq');
    expect(fallback).toEqual([]);
    expect(JSON.parse(message?.body ?? '')).toEqual(deadLetter().event);
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    expect(message?.messageAttributes).toEqual({
      ERROR_CODE: text('HTTP_500'),
      ERROR_MESSAGE: text('http://127.0.0.1:1/x answered HTTP 500'),
      EXHAUSTED_RETRY_CONDITION: text('MaximumRetryAttempts'),
      RETRY_ATTEMPTS: text('3'),
      RULE_ARN: text('arn:aws:events:us-east-1:000000000000:rule/local.custom.events.bus/rule'),
      TARGET_ARN: text('arn:aws:events:us-east-1:000000000000:api-destination/orders'),
    });
  });

  it('keeps dead letters of targets without a dead-letter queue, or whose queue is gone, in the fallback', async () => {
    const fallback: (string | undefined)[] = [];
    const sink = deadLetterQueueSink({
      queues,
      fallback: (letter) => void fallback.push(letter.deadLetterArn),
    });

    await sink(deadLetter());
    await sink(deadLetter('arn:aws:sqs:us-east-1:000000000000:missing-dlq'));

    expect(fallback).toEqual([undefined, 'arn:aws:sqs:us-east-1:000000000000:missing-dlq']);
  });
});

describe('local environment', () => {
  it('points every SDK client at the edge through the standard variables and restores the previous ones', () => {
    const env: NodeJS.ProcessEnv = {
      AWS_PROFILE: 'production',
      AWS_ENDPOINT_URL_S3: 'https://s3.example.com',
    };
    const restore = applyEnvironment(
      localEnvironment({
        endpointUrl: 'http://127.0.0.1:4566',
        environment: 'local',
        scope: localScope('eu-west-1'),
        maxEventSizeBytes: 1000,
      }),
      env,
    );

    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      BRIDGEPORT_ENVIRONMENT: 'local',
      BRIDGEPORT_ACCOUNT_ID: '000000000000',
      MAX_EVENT_SIZE_BYTES: '1000',
      BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS: 'true',
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    restore();
    expect(env).toEqual({ AWS_PROFILE: 'production', AWS_ENDPOINT_URL_S3: 'https://s3.example.com' });
  });

  it('gives clients a loopback address for wildcard and localhost hosts', () => {
    expect(clientUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(clientUrl('localhost', 3000)).toBe('http://127.0.0.1:3000');
    expect(clientUrl('::1', 3000)).toBe('http://[::1]:3000');
  });
});

describe('inProcessEventBridgeClient', () => {
  let dir: string;
  let bus: LocalBus;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-in-process-'));
    bus = await LocalBus.open({ dataDir: dir, maxEventSizeBytes: 100 });
  });

  afterAll(async () => {
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands PutEvents to the bus and answers with its result entries', async () => {
    const client = inProcessEventBridgeClient(bus);

    const output = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app', DetailType: 't.1', Detail: '{"a":1}' }, { Source: 'app' }],
      }),
    );

    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.Entries?.[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    });
    client.destroy();
  });

  it("raises the bus's refusal as the AWS error, a client fault", async () => {
    const client = inProcessEventBridgeClient(bus);

    const refused = client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app', DetailType: 't.1', Detail: JSON.stringify({ a: 'x'.repeat(200) }) }],
      }),
    );

    await expect(refused).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
      $fault: 'client',
    });
    client.destroy();
  });
});
