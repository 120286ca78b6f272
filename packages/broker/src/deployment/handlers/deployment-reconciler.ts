/** Lambda entry of the deployment reconciler (an EventBridge schedule). */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import { brokerLogger } from '../../logger';
import { createDeploymentClients } from '../clients';
import { readDeploymentReconcilerConfig } from '../config';
import { createDeploymentReconciler, dynamoDeploymentRecords, type ReconcileReport } from '../reconciler';

const config = readDeploymentReconcilerConfig(process.env);
const clients = createDeploymentClients();
const reconciler = createDeploymentReconciler({
  ...config,
  s3: clients.s3,
  cloudFormation: clients.cloudFormation,
  codePipeline: clients.codePipeline,
  records: dynamoDeploymentRecords(clients.dynamo, config.tableName),
});

export const handler = middy<unknown, ReconcileReport>()
  .use(lambdaContextLogging(brokerLogger))
  .handler(() => reconciler.reconcile());
