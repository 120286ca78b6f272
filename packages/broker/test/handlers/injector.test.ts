import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { newProducerKeyValue, serializeManifest } from '@bridgeport/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parcelEvent, parcelManifest } from '../support/fixtures';
import {
  lambdaContext as context,
  type Handler,
  type LoadedHandler,
  startHandler,
} from '../support/handlers';
import { PUBLISHER_BUCKET as BUCKET, type TestS3 } from '../support/s3';

const eventBridgeMock = mockClient(EventBridgeClient);
const KEY = newProducerKeyValue('dev', 'parcel_registered');

describe('the injector handler, with manifests in S3', () => {
  let loaded: LoadedHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;
  let injector: Handler<APIGatewayProxyEvent, APIGatewayProxyResult>;
  let s3: TestS3;

  beforeAll(async () => {
    loaded = await startHandler('injector');
    ({ handler: injector, s3 } = loaded);
  });

  afterAll(async () => {
    await loaded?.close();
  });

  beforeEach(() => {
    eventBridgeMock.reset();
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  it('answers an API Gateway proxy request on a producer route, with the key API Gateway admitted', async () => {
    // An HTTP producer's manifest (an SQS producer's is answered 409).
    await s3.client.send(
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
