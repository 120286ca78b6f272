import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newProducerKeyValue, serializeManifest } from '@bridgeport/core';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import S3rver from 's3rver';
import { parcelEvent, parcelManifest } from '../fixtures';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const BUCKET = 'dev-publisher-components-bucket-123456789012-eu-west-1';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-parcel_registered-v1-ingress-dlq';
const eventBridgeMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);
const KEY = newProducerKeyValue('dev', 'parcel_registered');
const context = {
  awsRequestId: '8d3c1a52-0000-4000-8000-00000000f0rw',
  functionName: 'dev-parcel_registered-v1-forwarder',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dev-parcel_registered-v1-forwarder',
  memoryLimitInMB: '256',
} as Context;

/** The JSON lines written to a stream while `run` runs (the logger writes to stdout, and warnings and errors to stderr). */
async function linesWrittenTo<T>(
  stream: NodeJS.WriteStream,
  run: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const result = await run();
    const lines = written
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}

/** Loads a handler module (its configuration and clients are read and made once, at load time). */
function loadHandler<E, R>(module: string): Handler<E, R> {
  return (require(module) as { handler: Handler<E, R> }).handler;
}

describe('Lambda handlers, with manifests in S3', () => {
  let directory: string;
  let server: S3rver;
  let s3: S3Client;
  let forwarder: Handler<SQSEvent, SQSBatchResponse>;
  let injector: Handler<APIGatewayProxyEvent, APIGatewayProxyResult>;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'broker-handlers-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      PUBLISHER_COMPONENTS_BUCKET: BUCKET,
      PRODUCER_EVENT_TYPE: 'parcel_registered',
      PRODUCER_EVENT_VERSION: '1',
      PRODUCER_DEAD_LETTER_QUEUE_URL: DLQ_URL,
    });
    s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    forwarder = loadHandler('../../src/handlers/sqs-forwarder');
    injector = loadHandler('../../src/handlers/injector');
  });

  afterAll(async () => {
    process.env = savedEnv;
    s3.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    eventBridgeMock.reset();
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  const sqsEvent = (...bodies: string[]): SQSEvent =>
    ({
      Records: bodies.map((body, index) => ({ messageId: `m${index}`, body })),
    }) as SQSEvent;

  it('retries the whole batch while the producer manifest is missing, logging a JSON line with the request id', async () => {
    const { result: response, lines } = await linesWrittenTo(process.stderr, () =>
      forwarder(sqsEvent(JSON.stringify(parcelEvent()), JSON.stringify(parcelEvent())), context),
    );

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'No producer manifest found; the batch will be retried',
        service: 'bridgeport-broker',
        function_request_id: context.awsRequestId,
        function_name: context.functionName,
        eventType: 'parcel_registered',
        version: 1,
      }),
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('forwards valid messages and dead-letters invalid ones once the manifest is there', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'parcel_registered/1/deploy.json',
        Body: serializeManifest(parcelManifest({ connection_type: 'SQS' })),
      }),
    );
    const { result: response, lines } = await linesWrittenTo(process.stderr, () =>
      forwarder(sqsEvent(JSON.stringify(parcelEvent()), '{"data":{}}'), context),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'Message sent to the dead-letter queue',
        function_request_id: context.awsRequestId,
        messageId: 'm1',
      }),
    ]);
    expect(eventBridgeMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      expect.objectContaining({ Source: 'parcels', DetailType: 'parcel_registered.1' }),
    ]);
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: DLQ_URL,
      MessageBody: '{"data":{}}',
    });
  });

  it('answers an API Gateway proxy request on a producer route, with the key API Gateway admitted', async () => {
    // The same event type, now with an HTTP producer (an SQS one is answered 409).
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'parcel_registered/1/deploy.json',
        Body: serializeManifest(parcelManifest({ connection_type: 'HTTPS' })),
      }),
    );
    const response = await injector(
      {
        resource: '/parcel_registered/1',
        path: '/parcel_registered/1',
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-api-key': KEY },
        body: JSON.stringify(parcelEvent('P7')),
        isBase64Encoded: false,
        requestContext: { identity: { apiKey: KEY, apiKeyId: 'key1' } },
      } as unknown as APIGatewayProxyEvent,
      context,
    );

    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event_id: 'evt-1' }),
    });
  });
});
