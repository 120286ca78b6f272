import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyDocument, PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnQueuePolicy, type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ConsumerDelivery, type ConsumerDeliveryProps, isOtherAccount } from './consumer-delivery';

export interface SqsConsumerProps extends ConsumerDeliveryProps {
  /** ARN of the consumer's queue (standard or FIFO). */
  readonly queueArn: string;
  /**
   * Whether this stack writes the queue policy letting EventBridge send to the queue. The policy lets any
   * rule of the bus send, so that stacks of several subscriptions to one queue write the same policy.
   * Only possible for a queue in the stack's account.
   * @default true when the queue is in the stack's account
   */
  readonly manageQueuePolicy?: boolean;
}

const QUEUE_ARN = /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/**
 * Delivers a subscription to an SQS queue: the rule targets the queue by ARN with the retry policy and
 * dead-letter queue, and the queue policy lets EventBridge send messages from the bus's rules. A queue in
 * another account is reached through an execution role of this account (`targetRole`); its owner must
 * let that role's account send.
 */
export class SqsConsumer extends ConsumerDelivery {
  public readonly queue: IQueue;
  public readonly queuePolicy?: CfnQueuePolicy;
  /** The execution role used for a queue in another account. */
  public readonly targetRole?: Role;

  constructor(scope: Construct, id: string, props: SqsConsumerProps) {
    super(scope, id, props, 'SqsConsumer');
    if (!Token.isUnresolved(props.queueArn) && !QUEUE_ARN.test(props.queueArn)) {
      throw new Error(
        `SqsConsumer: queueArn must be an SQS queue ARN, got ${JSON.stringify(props.queueArn)}`,
      );
    }
    const stack = Stack.of(this);
    this.queue = Queue.fromQueueArn(this, 'Queue', props.queueArn);
    const sameAccount = !isOtherAccount(this, props.queueArn);
    if (props.manageQueuePolicy ?? sameAccount) {
      if (!sameAccount) {
        throw new Error('SqsConsumer: manageQueuePolicy is only possible for a queue in the stack account');
      }
      this.queuePolicy = new CfnQueuePolicy(this, 'QueuePolicy', {
        queues: [this.queue.queueUrl],
        policyDocument: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'AllowBridgeportRules',
              principals: [new ServicePrincipal('events.amazonaws.com')],
              actions: ['sqs:SendMessage'],
              resources: [this.queue.queueArn],
              conditions: {
                ArnLike: {
                  'aws:SourceArn': stack.formatArn({
                    service: 'events',
                    resource: 'rule',
                    resourceName: `${props.eventBus.eventBusName}/*`,
                    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
                  }),
                },
              },
            }),
          ],
        }),
      });
    }
    if (sameAccount) this.addTarget(new SqsQueue(this.queue, this.deliveryOptions));
    else this.targetRole = this.addCrossAccountTarget(props.queueArn, ['sqs:SendMessage']);
  }
}
