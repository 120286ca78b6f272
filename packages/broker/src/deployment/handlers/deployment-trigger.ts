/** Lambda entry of the deployment trigger: S3 events of the components buckets, via EventBridge and SQS. */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { brokerLogger } from '../../logger';
import { createDeploymentClients } from '../clients';
import { readDeploymentTriggerConfig } from '../config';
import { createManifestQueueConsumer } from '../manifest-queue';
import { s3ManifestVersions } from '../manifest-versions';
import { createDeploymentTrigger } from '../trigger';

const config = readDeploymentTriggerConfig(process.env);
const clients = createDeploymentClients();
const consumer = createManifestQueueConsumer({
  trigger: createDeploymentTrigger({
    ...config,
    codePipeline: clients.codePipeline,
    manifests: s3ManifestVersions(clients.s3),
  }),
  sqs: clients.sqs,
  queueUrl: config.queueUrl,
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(lambdaContextLogging(brokerLogger))
  .handler((event) => consumer.handle(event.Records));
