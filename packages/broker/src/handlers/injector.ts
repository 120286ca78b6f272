/** Lambda entry of the HTTP injector (API Gateway Lambda proxy integration). */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createBrokerClients } from '../clients';
import { readInjectorConfig } from '../config';
import { createInjector } from '../injector';
import { ProducerCatalog, s3ManifestReader } from '../producers';

const config = readInjectorConfig(process.env);
const clients = createBrokerClients();
const injector = createInjector({
  producers: new ProducerCatalog({
    read: s3ManifestReader({ client: clients.s3, bucket: config.publisherBucket }),
    ttlMs: config.producerCacheTtlSeconds * 1000,
  }),
  eventBridge: clients.eventBridge,
  maxEventSizeBytes: config.maxEventSizeBytes,
});

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(async (event) => {
  const response = await injector.handle({
    path: event.resource ?? event.path,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
    headers: event.headers,
  });
  return { ...response, headers: { ...response.headers } };
});
