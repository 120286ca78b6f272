/**
 * The one place the broker's functions create AWS SDK clients. Defaults only: region, credentials and
 * endpoints come from the SDK's standard configuration (`AWS_REGION`, `AWS_ENDPOINT_URL_EVENTBRIDGE`,
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_SQS`…), so the same code runs in Lambda, locally and in tests.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface BrokerClients {
  readonly apiGateway: APIGatewayClient;
  readonly eventBridge: EventBridgeClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

export function createBrokerClients(): BrokerClients {
  return {
    apiGateway: new APIGatewayClient({}),
    eventBridge: new EventBridgeClient({}),
    s3: new S3Client({}),
    sqs: new SQSClient({}),
  };
}
