import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newProducerKeyValue } from '@bridgeport/core';
import { silentLogger } from '@bridgeport/edge';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { eventEntrySize } from '../src/events';
import { forwardBatch } from '../src/forwarder';
import { createInjector } from '../src/injector';
import { createInjectorHandler } from '../src/injector-handler';
import { type EmfRecord, powertoolsProducerMetrics } from '../src/metrics';
import { resolveProducer } from '../src/producers';
import { parcelEvent, parcelManifest } from './support/fixtures';

const eventBridgeMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);

/** What each EMF record says: its metrics with their values, and its dimensions with their values. */
function summary(record: EmfRecord): {
  metrics: Record<string, unknown>;
  dimensions: Record<string, unknown>;
  namespace: string;
} {
  const [directive] = record._aws.CloudWatchMetrics;
  const fields = record as Record<string, unknown>;
  return {
    namespace: directive?.Namespace ?? '',
    metrics: Object.fromEntries((directive?.Metrics ?? []).map((m) => [m.Name, fields[m.Name]])),
    dimensions: Object.fromEntries((directive?.Dimensions[0] ?? []).map((name) => [name, fields[name]])),
  };
}

const subjectDimensions = {
  service: 'event-broker',
  EventBusName: 'dev.custom.events.bus',
  EventType: 'parcel_registered',
  Version: '1',
};

function acceptEverything(): void {
  eventBridgeMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_entry, i) => ({ EventId: `evt-${i}` })),
  }));
}

describe('the producer edge metrics (Embedded Metric Format through Powertools)', () => {
  beforeEach(() => {
    eventBridgeMock.reset();
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  });

  it('counts what the injector publishes, with its size, and what it refuses, by reason', async () => {
    acceptEverything();
    const records: EmfRecord[] = [];
    const producer = resolveProducer(parcelManifest());
    const injector = createInjector({
      producers: {
        resolve: async (type, version) =>
          type === 'parcel_registered' && version === 1 ? producer : undefined,
      },
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      maxEventSizeBytes: 400,
      metrics: powertoolsProducerMetrics({ emit: (record) => records.push(record) }),
    });
    const outcome = (envelope: unknown, eventType = 'parcel_registered') =>
      injector.publish(eventType, 1, envelope).then(
        () => 'published',
        (error: Error) => error.name,
      );

    const outcomes = [
      await outcome(parcelEvent('P1')),
      await outcome({ data: {} }),
      await outcome(parcelEvent('bad-id')),
      await outcome(parcelEvent('P2', { note: 'x'.repeat(400) })),
      // An event type without a producer counts nothing (no metric is made up from a request's path).
      await outcome(parcelEvent('P3'), 'parcel_lost'),
    ];

    expect(outcomes).toEqual([
      'published',
      'ValidationError',
      'ValidationError',
      'PayloadTooLargeError',
      'NotFoundError',
    ]);
    const [entry] = eventBridgeMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(records.map(summary)).toEqual([
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Published: 1, EventSize: eventEntrySize(entry ?? {}) },
        dimensions: subjectDimensions,
      },
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Rejected: 1 },
        dimensions: { ...subjectDimensions, Reason: 'schema' },
      },
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Rejected: 1 },
        dimensions: { ...subjectDimensions, Reason: 'schema' },
      },
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Rejected: 1 },
        dimensions: { ...subjectDimensions, Reason: 'size' },
      },
    ]);
    expect(records[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'Published', Unit: 'Count' },
      { Name: 'EventSize', Unit: 'Bytes' },
    ]);
  });

  it('counts a key issued for another event type as an auth refusal, and lets the right key through uncounted', async () => {
    const records: EmfRecord[] = [];
    const producer = resolveProducer(parcelManifest());
    const injector = createInjector({
      producers: {
        resolve: async (type, version) =>
          type === 'parcel_registered' && version === 1 ? producer : undefined,
      },
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      metrics: powertoolsProducerMetrics({ emit: (record) => records.push(record) }),
    });
    const outcome = (key: string | undefined, eventType = 'parcel_registered') =>
      injector.authorize(eventType, 1, key).then(
        () => 'admitted',
        (error: Error) => error.name,
      );

    const outcomes = [
      await outcome(newProducerKeyValue('dev', 'parcel_lost')),
      await outcome(undefined),
      await outcome(newProducerKeyValue('dev', 'parcel_registered')),
      // No producer: nothing to authorize, and no metric made up from a request's path.
      await outcome(undefined, 'parcel_lost'),
    ];

    expect(outcomes).toEqual(['ForbiddenError', 'ForbiddenError', 'admitted', 'admitted']);
    expect(records.map(summary)).toEqual([
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Rejected: 1 },
        dimensions: { ...subjectDimensions, Reason: 'auth' },
      },
      {
        namespace: 'Bridgeport/Broker',
        metrics: { Rejected: 1 },
        dimensions: { ...subjectDimensions, Reason: 'auth' },
      },
    ]);
  });

  it('counts a body that is not a JSON event, sent over HTTP, as a schema refusal, as the SQS forwarder does', async () => {
    const records: EmfRecord[] = [];
    const producer = resolveProducer(parcelManifest());
    const handler = createInjectorHandler(
      createInjector({
        producers: {
          resolve: async (type, version) =>
            type === 'parcel_registered' && version === 1 ? producer : undefined,
        },
        eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
        metrics: powertoolsProducerMetrics({ emit: (record) => records.push(record) }),
      }),
      { logger: silentLogger },
    );
    const send = async (
      body: string | null,
      contentType = 'application/json',
      path = '/parcel_registered/1',
    ) =>
      (
        await handler(
          {
            resource: path,
            path,
            httpMethod: 'POST',
            headers: { 'content-type': contentType },
            multiValueHeaders: {},
            pathParameters: null,
            queryStringParameters: null,
            multiValueQueryStringParameters: null,
            stageVariables: null,
            body,
            isBase64Encoded: false,
            requestContext: {
              identity: { apiKey: newProducerKeyValue('dev', 'parcel_registered') },
            } as APIGatewayProxyEvent['requestContext'],
          },
          { awsRequestId: 'c0ffee00-0000-4000-8000-000000000002' } as Context,
        )
      ).statusCode;

    const statuses = [
      await send('{"metadata":'),
      await send(JSON.stringify(parcelEvent('P1')), 'text/plain'),
      await send(null),
      await send(`${'['.repeat(200)}${']'.repeat(200)}`),
      // No producer: nothing is counted (no metric is made up from a request's path).
      await send('{"metadata":', 'application/json', '/parcel_lost/1'),
    ];

    expect(statuses).toEqual([400, 415, 400, 400, 400]);
    const refusal = {
      namespace: 'Bridgeport/Broker',
      metrics: { Rejected: 1 },
      dimensions: { ...subjectDimensions, Reason: 'schema' },
    };
    expect(records.map(summary)).toEqual([refusal, refusal, refusal, refusal]);
  });

  it('counts what an SQS forwarder publishes and dead-letters', async () => {
    acceptEverything();
    const records: EmfRecord[] = [];
    const result = await forwardBatch(
      [
        { messageId: 'm1', body: JSON.stringify(parcelEvent('P1')) },
        { messageId: 'm2', body: '{not json' },
        { messageId: 'm3', body: JSON.stringify(parcelEvent('P3', { note: 'x'.repeat(300) })) },
      ],
      {
        producer: resolveProducer(parcelManifest({ connection_type: 'SQS' })),
        eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
        sqs: new SQSClient({ region: 'eu-west-1' }),
        deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
        maxEventSizeBytes: 300,
        logger: silentLogger,
        metrics: powertoolsProducerMetrics({ emit: (record) => records.push(record) }),
      },
    );

    expect(result.published).toEqual(['m1']);
    expect(records.map(summary).map((r) => [r.metrics, r.dimensions.Reason])).toEqual(
      expect.arrayContaining([
        [{ Rejected: 1 }, 'schema'],
        [{ Rejected: 1 }, 'size'],
        [{ Published: 1, EventSize: expect.any(Number) }, undefined],
      ]),
    );
    expect(records).toHaveLength(3);
  });

  it('writes each record to stdout as one EMF line when no sink is given (how CloudWatch Logs gets it in Lambda)', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const previous = process.env.POWERTOOLS_DEV;
    delete process.env.POWERTOOLS_DEV;
    try {
      powertoolsProducerMetrics().rejected(
        { busName: 'dev.custom.events.bus', eventType: 'parcel_registered', version: 1 },
        'auth',
      );
    } finally {
      write.mockRestore();
      if (previous !== undefined) process.env.POWERTOOLS_DEV = previous;
    }
    const emf = lines
      .map((line) => JSON.parse(line) as EmfRecord)
      .find((record) => record._aws !== undefined);
    expect(emf && summary(emf)).toEqual({
      namespace: 'Bridgeport/Broker',
      metrics: { Rejected: 1 },
      dimensions: { ...subjectDimensions, Reason: 'auth' },
    });
  });
});
