/** Lambda entry of the queue policy statement custom resource (used by SQS consumer stacks). */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createBrokerClients } from '../clients';
import { sendCustomResourceResponse } from '../custom-resource';
import { brokerLogger } from '../logger';
import { handleQueuePolicyStatementEvent } from '../queue-policy-resource';

const clients = createBrokerClients();

export const handler = middy<CloudFormationCustomResourceEvent, void>()
  .use(lambdaContextLogging(brokerLogger))
  .handler(async (event) => {
    const response = await handleQueuePolicyStatementEvent(event, { sqs: clients.sqs });
    await sendCustomResourceResponse(event.ResponseURL, response);
  });
