/**
 * The one place the portal creates AWS SDK clients. Defaults only: region, credentials and endpoints come
 * from the SDK's standard configuration (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SCHEMAS`, `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_CLOUDWATCH`,
 * `AWS_ENDPOINT_URL_API_GATEWAY`…), so the same code runs in Lambda, on a laptop and in tests.
 */

import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SchemasClient } from '@aws-sdk/client-schemas';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface PortalClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly schemas: SchemasClient;
  /** Redrives (PutEvents on the bus). */
  readonly eventBridge: EventBridgeClient;
  /** Subscriptions' dead-letter queues. */
  readonly sqs: SQSClient;
  /** Insights (GetMetricData). */
  readonly cloudWatch: CloudWatchClient;
  /** HTTP producers' API keys and usage plans. */
  readonly apiGateway: APIGatewayClient;
}

/** Creates the portal's SDK clients with default configuration. */
export function createPortalClients(): PortalClients {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3: new S3Client({}),
    schemas: new SchemasClient({}),
    eventBridge: new EventBridgeClient({}),
    sqs: new SQSClient({}),
    cloudWatch: new CloudWatchClient({}),
    apiGateway: new APIGatewayClient({}),
  };
}
