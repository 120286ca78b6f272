/** Lambda entry of the deployment trigger (S3 object events of the components buckets, via EventBridge). */
import middy from '@middy/core';
import { createDeploymentClients } from '../clients';
import { readDeploymentTriggerConfig } from '../config';
import { createDeploymentTrigger, type DeploymentTriggerResult, type S3ObjectEvent } from '../trigger';

const config = readDeploymentTriggerConfig(process.env);
const clients = createDeploymentClients();
const trigger = createDeploymentTrigger({ ...config, codePipeline: clients.codePipeline });

export const handler = middy<S3ObjectEvent, DeploymentTriggerResult>().handler((event) =>
  trigger.handle(event),
);
