/**
 * Lambda entry of the broker API custom resources of HTTP producer stacks: the shared path part
 * (`Custom::BridgeportSharedApiResource`) and the stage redeployment (`Custom::BridgeportStageRedeployment`).
 */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createBrokerClients } from '../clients';
import { handleApiResourceEvent, sendCustomResourceResponse } from '../custom-resource';
import { brokerLogger } from '../logger';

const clients = createBrokerClients();

export const handler = middy<CloudFormationCustomResourceEvent, void>()
  .use(lambdaContextLogging(brokerLogger))
  .handler(async (event) => {
    const response = await handleApiResourceEvent(event, { apiGateway: clients.apiGateway });
    await sendCustomResourceResponse(event.ResponseURL, response);
  });
