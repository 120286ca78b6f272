/**
 * The one place operations create AWS SDK clients. Region, credentials and endpoints come from the SDK's
 * standard configuration (`AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`…), so the same commands
 * work against AWS and against the local runtime.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SchemasClient } from '@aws-sdk/client-schemas';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface OpsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly schemas: SchemasClient;
  readonly eventBridge: EventBridgeClient;
  readonly sts: STSClient;
}

export function createOpsClients(region: string): OpsClients {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3: new S3Client({ region }),
    schemas: new SchemasClient({ region }),
    eventBridge: new EventBridgeClient({ region }),
    sts: new STSClient({ region }),
  };
}

/** Releases the clients' sockets so that the command can exit. */
export function destroyOpsClients(clients: OpsClients): void {
  clients.dynamo.destroy();
  clients.s3.destroy();
  clients.schemas.destroy();
  clients.eventBridge.destroy();
  clients.sts.destroy();
}
