/**
 * Applies a consumer manifest as the consumer stack does: the subscription's rule and its redrive rule on the
 * local EventBridge (the plan's pattern, target, retry policy and dead-letter queue), the consumer's dead-letter
 * queue, and for an HTTPS consumer its API destination and connection. Removal tears down exactly that.
 */
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type ConsumerPlan,
  ConsumerType,
  consumerPlan,
  type HttpsConsumerTarget,
  type ManifestKey,
  parseConsumerManifest,
  SUBSCRIPTION_HEADER,
  scopedArn,
} from '@bridgeport/core';
import type { ApiDestinationDetails, ApiDestinations } from './api-destinations';
import type { AppliedManifests } from './applied';
import { describe, fail, type StatusRecorder, summarize } from './run-status';

/** Rules the local deployer creates carry this description prefix; it is how orphans are recognised. */
export const DEPLOYED_RULE_DESCRIPTION = 'Deployed by the Bridgeport local deployer for subscription';

export interface ConsumerApplierOptions {
  readonly eventBridge: EventBridgeClient;
  readonly destinations: ApiDestinations;
  /** Creates (and deletes) each consumer's dead-letter queue; without it, none is created. */
  readonly sqs: SQSClient | undefined;
  readonly partition: string;
  /** HTTPS consumers may be on this machine (plain http included). */
  readonly allowLoopbackTargets: boolean;
  readonly applied: AppliedManifests;
  readonly log: (message: string) => void;
}

export class ConsumerApplier {
  constructor(private readonly options: ConsumerApplierOptions) {}

  async apply(
    objectKey: string,
    key: Extract<ManifestKey, { kind: 'consumer' }>,
    text: string,
    record: StatusRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    const { eventBridge, destinations, applied, log } = this.options;
    await record.deploying();
    // Local consumers may be plain http on this machine; the deployed pipeline accepts https:// only.
    const parsed = parseConsumerManifest(text, objectKey, {
      allowLoopbackTargets: this.options.allowLoopbackTargets,
    });
    if (!parsed.ok) {
      await fail(
        log,
        'consumer',
        objectKey,
        `The manifest is not valid: ${summarize(parsed.errors)}`,
        record,
      );
      return;
    }
    const plan = consumerPlan(parsed.value);
    if (plan.subscriptionId !== key.subscriptionId) {
      const reason = `The manifest is for subscription ${plan.subscriptionId}, not ${key.subscriptionId} as its key says.`;
      await fail(log, 'consumer', objectKey, reason, record);
      return;
    }
    const consumer = plan.target;
    const destination =
      consumer.type === ConsumerType.HTTPS ? this.apiDestination(plan, consumer) : undefined;
    const targetArn = consumer.type === ConsumerType.HTTPS ? (destination?.arn ?? '') : consumer.arn;
    try {
      signal.throwIfAborted();
      if (consumer.type === ConsumerType.HTTPS && destination !== undefined) {
        await destinations.put(destination.arn, consumer.endpoint, destination.details);
      }
      signal.throwIfAborted();
      await this.options.sqs?.send(new CreateQueueCommand({ QueueName: plan.deadLetterQueue.name }), {
        abortSignal: signal,
      });
      const target = {
        Id: plan.target.id,
        Arn: targetArn,
        RetryPolicy: {
          MaximumRetryAttempts: plan.retryPolicy.maximumRetryAttempts,
          MaximumEventAgeInSeconds: plan.retryPolicy.maximumEventAgeInSeconds,
        },
        DeadLetterConfig: { Arn: this.arn('sqs', plan, plan.deadLetterQueue.name) },
      };
      // The subscription's rule, then its redrive rule: the same target, given the original event.
      const rules = [
        { name: plan.ruleName, pattern: plan.eventPattern, target },
        {
          name: plan.redrive.ruleName,
          pattern: plan.redrive.eventPattern,
          target: { ...target, InputPath: plan.redrive.inputPath },
        },
      ];
      for (const rule of rules) {
        await eventBridge.send(
          new PutRuleCommand({
            Name: rule.name,
            EventBusName: plan.busName,
            EventPattern: JSON.stringify(rule.pattern),
            State: 'ENABLED',
            Description: `${DEPLOYED_RULE_DESCRIPTION} ${plan.subscriptionId}`,
          }),
          { abortSignal: signal },
        );
        const result = await eventBridge.send(
          new PutTargetsCommand({ Rule: rule.name, EventBusName: plan.busName, Targets: [rule.target] }),
          { abortSignal: signal },
        );
        const [failed] = result.FailedEntries ?? [];
        if (failed)
          throw new Error(`${failed.ErrorCode ?? 'PutTargets failed'}: ${failed.ErrorMessage ?? ''}`);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      await fail(log, 'consumer', objectKey, `The rule could not be deployed: ${describe(error)}`, record);
      return;
    }
    signal.throwIfAborted();
    const previous = applied.get(objectKey);
    if (previous?.kind === 'consumer' && previous.targetArn !== targetArn) {
      await destinations.remove(previous.targetArn);
    }
    applied.set(objectKey, { kind: 'consumer', plan, targetArn });
    await record.active();
    log(
      `deployer: rule ${plan.ruleName} → ${consumer.type} ${consumer.type === ConsumerType.HTTPS ? consumer.endpoint : consumer.arn} is live`,
    );
  }

  /** Tears down what `plan` made: both rules, the dead-letter queue and the API destination. */
  async remove(plan: ConsumerPlan, targetArn: string, signal: AbortSignal): Promise<void> {
    const { eventBridge } = this.options;
    await deleteRule(eventBridge, plan.redrive.ruleName, plan.busName, [plan.target.id], signal);
    await deleteRule(eventBridge, plan.ruleName, plan.busName, [plan.target.id], signal);
    signal.throwIfAborted();
    await this.deleteQueue(plan.deadLetterQueue.name, signal);
    await this.options.destinations.remove(targetArn);
    this.options.log(`deployer: rule ${plan.ruleName} removed`);
  }

  /** Deletes a consumer's dead-letter queue with the consumer (gone already is fine). */
  private async deleteQueue(queueName: string, signal: AbortSignal): Promise<void> {
    const { sqs } = this.options;
    if (sqs === undefined) return;
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }), {
        abortSignal: signal,
      });
      await sqs.send(new DeleteQueueCommand({ QueueUrl }), { abortSignal: signal });
    } catch (error) {
      if ((error as Error).name !== 'QueueDoesNotExist') throw error;
    }
  }

  /** An HTTPS consumer's API destination and connection, as the consumer generator deploys them. */
  private apiDestination(
    plan: ConsumerPlan,
    target: HttpsConsumerTarget,
  ): { arn: string; details: ApiDestinationDetails } {
    const scope = { partition: this.options.partition, account: plan.account, region: plan.region };
    const names = { destination: target.apiDestinationName, connection: target.connectionName };
    const arns = this.options.destinations.arnsFor(names, scope);
    const { secretName } = target;
    return {
      arn: arns.destination,
      details: {
        name: names.destination,
        rateLimitPerSecond: target.rateLimitPerSecond,
        description: `Endpoint of subscription ${plan.subscriptionId}`,
        connection: {
          name: names.connection,
          arn: arns.connection,
          // Without a secret, the connection sends the subscription id in this header; with one, the
          // header's name is read from the secret by the deployed connection.
          ...(secretName === undefined ? { apiKeyName: SUBSCRIPTION_HEADER } : { secretName }),
          description: `Credentials of subscription ${plan.subscriptionId}`,
        },
      },
    };
  }

  private arn(service: string, plan: ConsumerPlan, resource: string): string {
    return scopedArn(
      { partition: this.options.partition, account: plan.account, region: plan.region },
      service,
      resource,
    );
  }
}

/** Removes a rule's targets, then the rule (gone already is fine). */
export async function deleteRule(
  eventBridge: EventBridgeClient,
  ruleName: string,
  busName: string,
  targetIds: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  try {
    if (targetIds.length > 0) {
      await eventBridge.send(
        new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: [...targetIds] }),
        { abortSignal: signal },
      );
    }
    await eventBridge.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }), {
      abortSignal: signal,
    });
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
}
