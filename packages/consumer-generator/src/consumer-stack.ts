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
    const target = plan.target;
    switch (target.type) {
      case ConsumerType.LAMBDA:
        this.consumer = new LambdaConsumer(this, 'LambdaConsumer', { ...delivery, functionArn: target.arn });
        break;
      case ConsumerType.SQS:
        this.consumer = new SqsConsumer(this, 'SqsConsumer', { ...delivery, queueArn: target.arn });
        break;
      case ConsumerType.HTTPS:
        this.consumer = new HttpConsumer(this, 'HttpConsumer', {
          ...delivery,
          endpoint: target.endpoint,
          subscriptionId: plan.subscriptionId,
          credentialsSecretName: target.secretName,
          rateLimitPerSecond: target.rateLimitPerSecond,
          connectionName: target.connectionName,
          apiDestinationName: target.apiDestinationName,
        });
        break;
    }
  }
}
