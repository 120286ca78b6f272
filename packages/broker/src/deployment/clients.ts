/**
 * The one place the deployment functions create AWS SDK clients. Defaults only: region, credentials and
 * endpoints come from the SDK's standard configuration (`AWS_REGION`, `AWS_ENDPOINT_URL_CODEPIPELINE`,
 * `AWS_ENDPOINT_URL_DYNAMODB`…), so the same code runs in Lambda, locally and in tests.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DeploymentClients {
  readonly codePipeline: CodePipelineClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly cloudFormation: CloudFormationClient;
}

export function createDeploymentClients(): DeploymentClients {
  return {
    codePipeline: new CodePipelineClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3: new S3Client({}),
    sqs: new SQSClient({}),
    cloudFormation: new CloudFormationClient({}),
  };
}
