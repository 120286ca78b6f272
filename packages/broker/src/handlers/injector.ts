/** Lambda entry of the HTTP injector (API Gateway Lambda proxy integration). */
import { createBrokerClients } from '../clients';
import { readInjectorConfig } from '../config';
import { createInjector } from '../injector';
import { createInjectorHandler } from '../injector-handler';
import { powertoolsProducerMetrics } from '../metrics';
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
  metrics: powertoolsProducerMetrics(),
});

export const handler = createInjectorHandler(injector);
