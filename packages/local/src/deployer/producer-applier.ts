/**
 * Applies a producer manifest: an HTTPS producer becomes a route on the local producer endpoint, an SQS producer
 * an ingress queue with its forwarder and dead-letter queue. Removal tears down exactly what was applied.
 */
import { resolveProducer } from '@bridgeport/broker';
import { type ProducerPlan, ProducerType, parseProducerManifest } from '@bridgeport/core';
import type { AppliedManifests } from './applied';
import type { ProducerRoutes } from './producers';
import { describe, fail, type StatusRecorder, summarize } from './run-status';
import type { SqsProducerRunner } from './sqs-producers';

export interface ProducerApplierOptions {
  readonly producers: ProducerRoutes;
  /** Runs SQS producers; without it, SQS producers are recorded FAILED. */
  readonly sqsProducers: SqsProducerRunner | undefined;
  readonly applied: AppliedManifests;
  readonly log: (message: string) => void;
}

export class ProducerApplier {
  constructor(private readonly options: ProducerApplierOptions) {}

  async apply(objectKey: string, text: string, record: StatusRecorder, signal: AbortSignal): Promise<void> {
    const { producers, applied, log } = this.options;
    await record.deploying();
    const parsed = parseProducerManifest(text, objectKey);
    if (!parsed.ok) {
      await fail(
        log,
        'producer',
        objectKey,
        `The manifest is not valid: ${summarize(parsed.errors)}`,
        record,
      );
      return;
    }
    const producer = resolveProducer(parsed.value);
    const { plan } = producer;
    const previous = applied.get(objectKey);
    if (plan.type === ProducerType.SQS) {
      const { sqsProducers } = this.options;
      if (sqsProducers === undefined) {
        producers.delete(plan.eventType, plan.version);
        applied.delete(objectKey);
        const reason = `${plan.type} producers have no local ingress; the local runtime serves HTTPS producers only.`;
        await fail(log, 'producer', objectKey, reason, record);
        return;
      }
      try {
        if (
          previous?.kind === 'producer' &&
          (previous.plan.type !== ProducerType.SQS ||
            previous.plan.sqs.ingressQueueName !== plan.sqs.ingressQueueName)
        ) {
          signal.throwIfAborted();
          await sqsProducers.stop(previous.plan, { deleteQueues: true });
        }
        signal.throwIfAborted();
        await sqsProducers.start(producer);
      } catch (error) {
        if (signal.aborted) throw error;
        await fail(
          log,
          'producer',
          objectKey,
          `The ingress queue could not be deployed: ${describe(error)}`,
          record,
        );
        return;
      }
      signal.throwIfAborted();
      // Resolvable on the producer endpoint, which answers 409 naming the ingress queue.
      producers.set(producer);
      applied.set(objectKey, { kind: 'producer', plan });
      await record.active();
      log(
        `deployer: SQS producer ${plan.sqs.ingressQueueName} → forwarder → ${plan.busName} is live (dead-letter queue ${plan.sqs.deadLetterQueueName})`,
      );
      return;
    }
    if (previous?.kind === 'producer' && previous.plan.type === ProducerType.SQS) {
      signal.throwIfAborted();
      await this.options.sqsProducers?.stop(previous.plan, { deleteQueues: true });
    }
    signal.throwIfAborted();
    producers.set(producer);
    applied.set(objectKey, { kind: 'producer', plan });
    await record.active();
    log(`deployer: producer route POST /${plan.http.pathParts.join('/')} is live`);
  }

  /** Tears down what `plan` made: its route, and an SQS producer's queues. */
  async remove(plan: ProducerPlan): Promise<void> {
    const { producers, log } = this.options;
    if (plan.type === ProducerType.SQS) {
      producers.delete(plan.eventType, plan.version);
      await this.options.sqsProducers?.stop(plan, { deleteQueues: true });
      log(`deployer: SQS producer ${plan.sqs.ingressQueueName} and its dead-letter queue removed`);
    } else {
      producers.delete(plan.eventType, plan.version);
      log(`deployer: producer route POST /${plan.eventType}/${plan.version} removed`);
    }
  }
}
