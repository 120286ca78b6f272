import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { serializeManifest } from '@bridgeport/core';
import { writtenLines } from '@bridgeport/edge/testing';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parcelEvent, parcelManifest } from '../support/fixtures';
import {
  lambdaContext as context,
  PRODUCER_DEAD_LETTER_QUEUE_URL as DLQ_URL,
  type Handler,
  type LoadedHandler,
  startHandler,
} from '../support/handlers';
import { PUBLISHER_BUCKET as BUCKET, type TestS3 } from '../support/s3';

const eventBridgeMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);

describe('the SQS forwarder handler, with manifests in S3', () => {
  let loaded: LoadedHandler<SQSEvent, SQSBatchResponse>;
  let forwarder: Handler<SQSEvent, SQSBatchResponse>;
  let s3: TestS3;

  beforeAll(async () => {
    loaded = await startHandler('sqs-forwarder');
    ({ handler: forwarder, s3 } = loaded);
  });

  afterAll(async () => {
    await loaded?.close();
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
    const { result: response, stderr: lines } = await writtenLines(() =>
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
    await s3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'parcel_registered/1/deploy.json',
        Body: serializeManifest(parcelManifest({ connection_type: 'SQS' })),
      }),
    );
    const { result: response, stderr: lines } = await writtenLines(() =>
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
});
