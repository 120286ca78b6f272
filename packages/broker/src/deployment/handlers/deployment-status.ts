/** Lambda entry of the deployment status recorder (CodePipeline execution state changes, via EventBridge). */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import { brokerLogger } from '../../logger';
import { createDeploymentClients } from '../clients';
import { readDeploymentStatusConfig } from '../config';
import {
  createDeploymentStatusRecorder,
  type DeploymentStatusResult,
  type PipelineExecutionEvent,
} from '../status';

const config = readDeploymentStatusConfig(process.env);
const clients = createDeploymentClients();
const recorder = createDeploymentStatusRecorder({ ...config, ...clients });

export const handler = middy<PipelineExecutionEvent, DeploymentStatusResult>()
  .use(lambdaContextLogging(brokerLogger))
  .handler((event) => recorder.handle(event));
