/** Lambda entry of an SQS producer's forwarder (SQS event source with `ReportBatchItemFailures`). */
import { lambdaContextLogging } from '@bridgeport/edge';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createBrokerClients } from '../clients';
import { readForwarderConfig } from '../config';
import { forwardBatch } from '../forwarder';
import { brokerLogger } from '../logger';
import { powertoolsProducerMetrics } from '../metrics';
import { ProducerCatalog, s3ManifestReader } from '../producers';

const config = readForwarderConfig(process.env);
const clients = createBrokerClients();
const metrics = powertoolsProducerMetrics();
const producers = new ProducerCatalog({
  read: s3ManifestReader({ client: clients.s3, bucket: config.publisherBucket }),
  ttlMs: config.producerCacheTtlSeconds * 1000,
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(lambdaContextLogging(brokerLogger))
  .handler(async (event) => {
    const everyMessage = () => ({
      batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
    });
    let producer: Awaited<ReturnType<ProducerCatalog['resolve']>>;
    try {
      producer = await producers.resolve(config.eventType, config.version);
    } catch (error) {
      brokerLogger.error('Loading the producer manifest failed; the batch will be retried', { error });
      return everyMessage();
    }
    if (producer === undefined) {
      brokerLogger.error('No producer manifest found; the batch will be retried', {
        eventType: config.eventType,
        version: config.version,
      });
      return everyMessage();
    }
    const result = await forwardBatch(event.Records, {
      producer,
      eventBridge: clients.eventBridge,
      sqs: clients.sqs,
      deadLetterQueueUrl: config.deadLetterQueueUrl,
      maxEventSizeBytes: config.maxEventSizeBytes,
      metrics,
    });
    return { batchItemFailures: result.batchItemFailures };
  });
