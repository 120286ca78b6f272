/** Lambda entry of the shared API path part custom resource (used by HTTP producer stacks). */
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createBrokerClients } from '../clients';
import { handleSharedApiResourceEvent, sendCustomResourceResponse } from '../custom-resource';

const clients = createBrokerClients();

export const handler = middy<CloudFormationCustomResourceEvent, void>().handler(async (event) => {
  const response = await handleSharedApiResourceEvent(event, { apiGateway: clients.apiGateway });
  await sendCustomResourceResponse(event.ResponseURL, response);
});
