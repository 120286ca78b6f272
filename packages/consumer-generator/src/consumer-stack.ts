import { type ConsumerManifest, type ConsumerPlan, ConsumerType, consumerPlan } from '@bridgeport/core';
import { Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { ConsumerDeliveryProps } from './constructs/consumer-delivery';
import { HttpConsumer } from './constructs/http-consumer';
import { LambdaConsumer } from './constructs/lambda-consumer';
import { SqsConsumer } from './constructs/sqs-consumer';

export interface ConsumerStackProps extends Omit<StackProps, 'stackName' | 'env'> {
  /** A parsed, valid consumer manifest: the stack renders core's plan for it. */
  readonly manifest: ConsumerManifest;
}

function required<T>(value: T | undefined, what: string, plan: ConsumerPlan): T {
  if (value === undefined) throw new Error(`The plan of ${plan.stackName} has no ${what}`);
  return value;
}

/**
 * The stack of one subscription's consumer side, named by core and built from core's consumer plan:
 * one rule on the broker bus with the plan's pattern, and a `LambdaConsumer`, `SqsConsumer` or
 * `HttpConsumer` target with the plan's retry policy, dead-letter queue and alarm.
 */
export class ConsumerStack extends Stack {
  public readonly plan: ConsumerPlan;
  public readonly consumer: LambdaConsumer | SqsConsumer | HttpConsumer;

  constructor(scope: Construct, props: ConsumerStackProps) {
    const { manifest, ...stackProps } = props;
    const plan = consumerPlan(manifest);
    super(scope, plan.stackName, {
      description: `Bridgeport subscription ${manifest.subscription_id} to ${manifest.event_type} version ${manifest.version} (${plan.type})`,
      ...stackProps,
      stackName: plan.stackName,
      env: { account: manifest.account, region: manifest.region },
    });
    this.plan = plan;
    Tags.of(this).add('bridgeport:environment', manifest.environment);
    Tags.of(this).add('bridgeport:event-type', manifest.event_type);
    Tags.of(this).add('bridgeport:version', String(manifest.version));
    Tags.of(this).add('bridgeport:subscription', manifest.subscription_id);

    const delivery: ConsumerDeliveryProps = {
      eventBus: EventBus.fromEventBusName(this, 'Bus', plan.busName),
      ruleName: plan.ruleName,
      eventPattern: plan.eventPattern,
      targetId: plan.target.id,
      retryAttempts: plan.retryPolicy.maximumRetryAttempts,
      maxEventAge: Duration.seconds(plan.retryPolicy.maximumEventAgeInSeconds),
      deadLetterQueueName: plan.deadLetterQueue.name,
      alarmName: plan.alarmName,
      redrive: plan.redrive,
      description: `Subscription ${manifest.subscription_id} to ${manifest.event_type} version ${manifest.version}`,
    };
    const render: Record<ConsumerType, () => LambdaConsumer | SqsConsumer | HttpConsumer> = {
      [ConsumerType.LAMBDA]: () =>
        new LambdaConsumer(this, 'LambdaConsumer', {
          ...delivery,
          functionArn: required(plan.target.arn, 'function ARN', plan),
        }),
      [ConsumerType.SQS]: () =>
        new SqsConsumer(this, 'SqsConsumer', {
          ...delivery,
          queueArn: required(plan.target.arn, 'queue ARN', plan),
        }),
      [ConsumerType.HTTPS]: () =>
        new HttpConsumer(this, 'HttpConsumer', {
          ...delivery,
          endpoint: required(plan.target.endpoint, 'endpoint', plan),
          subscriptionId: plan.subscriptionId,
          credentialsSecretName: plan.target.secretName,
          rateLimitPerSecond: plan.target.rateLimitPerSecond,
          connectionName: plan.target.connectionName,
          apiDestinationName: plan.target.apiDestinationName,
        }),
    };
    this.consumer = render[plan.type]();
  }
}
