import { QUEUE_POLICY_STATEMENT_TYPE, QueuePolicyStatementProperty } from '@bridgeport/broker';
import {
  BrokerHandler,
  brokerHandlerEntry,
  CUSTOM_RESOURCE_TIMEOUT,
  createBrokerFunction,
} from '@bridgeport/infrastructure/cdk-kit';
import { ArnFormat, CustomResource, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ConsumerDelivery, type ConsumerDeliveryProps, isOtherAccount } from './consumer-delivery';

export interface SqsConsumerProps extends ConsumerDeliveryProps {
  /** ARN of the consumer's queue (standard or FIFO). */
  readonly queueArn: string;
  /**
   * Whether this stack adds its statement to the queue's policy (and removes it when the stack is deleted).
   * The statement is added to the queue's existing policy, so other subscriptions' and the owner's
   * statements are kept. For a queue in another account, its owner must let this account call
   * `sqs:GetQueueAttributes` and `sqs:SetQueueAttributes` on it.
   * @default true when the queue is in the stack's account, false otherwise (its owner adds the statement)
   */
  readonly manageQueuePolicy?: boolean;
  /**
   * `Sid` of the statement, unique to the subscription within the queue's policy (letters and digits).
   * @default `Bridgeport` followed by the letters and digits of the rule name
   */
  readonly statementId?: string;
  /**
   * Entry file of the function that adds and removes the statement (bundled with esbuild).
   * @default the `@bridgeport/broker` queue policy statement handler
   */
  readonly queuePolicyHandlerEntry?: string;
}

const QUEUE_ARN = /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const STATEMENT_ID = /^[A-Za-z0-9]{1,100}$/;

/** `Bridgeport` and the letters and digits of the rule name (rule names are unique on a bus), at most 100. */
function defaultStatementId(scope: Construct, ruleName: string): string {
  const unique = Token.isUnresolved(ruleName) ? Names.uniqueId(scope) : ruleName;
  return `Bridgeport${unique.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100);
}

/**
 * Delivers a subscription to an SQS queue: the rule targets the queue by ARN with the retry policy and
 * dead-letter queue. A custom resource adds one statement to the queue's policy (its `Sid` unique to the
 * subscription) letting EventBridge send from this rule only, and removes just that statement when the
 * stack is deleted; the rest of the policy is left alone. A queue in another account is reached through an
 * execution role of this account (`targetRole`), and the statement then names that role.
 */
export class SqsConsumer extends ConsumerDelivery {
  public readonly queue: IQueue;
  /** The statement this subscription keeps in the queue's policy, when it manages it. */
  public readonly queuePolicyStatement?: CustomResource;
  /** The function behind that custom resource. */
  public readonly queuePolicyFunction?: NodejsFunction;
  /** The execution role used for a queue in another account. */
  public readonly targetRole?: Role;

  constructor(scope: Construct, id: string, props: SqsConsumerProps) {
    super(scope, id, props, 'SqsConsumer');
    if (!Token.isUnresolved(props.queueArn) && !QUEUE_ARN.test(props.queueArn)) {
      throw new Error(
        `SqsConsumer: queueArn must be an SQS queue ARN, got ${JSON.stringify(props.queueArn)}`,
      );
    }
    const statementId = props.statementId ?? defaultStatementId(this, props.ruleName);
    if (!Token.isUnresolved(statementId) && !STATEMENT_ID.test(statementId)) {
      throw new Error(
        `SqsConsumer: statementId must be 1 to 100 letters and digits, got ${JSON.stringify(statementId)}`,
      );
    }
    const stack = Stack.of(this);
    this.queue = Queue.fromQueueArn(this, 'Queue', props.queueArn);
    const sameAccount = !isOtherAccount(this, props.queueArn);
    if (sameAccount) this.addTarget(new SqsQueue(this.queue, this.deliveryOptions));
    else this.targetRole = this.addCrossAccountTarget(props.queueArn, ['sqs:SendMessage']);

    if (!(props.manageQueuePolicy ?? sameAccount)) return;
    // The rule's ARN from its name, not from the rule: the rule depends on the statement, so that it only
    // delivers once the queue accepts its messages and the statement outlives it on deletion.
    const ruleArn = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${props.eventBus.eventBusName}/${props.ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const statement =
      this.targetRole === undefined
        ? {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: this.queue.queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          }
        : {
            Effect: 'Allow',
            Principal: { AWS: this.targetRole.roleArn },
            Action: 'sqs:SendMessage',
            Resource: this.queue.queueArn,
          };
    this.queuePolicyFunction = createBrokerFunction(this, 'QueuePolicyFunction', {
      description: `Adds the statement ${statementId} to the policy of ${this.queue.queueName} and removes it on deletion`,
      entry: props.queuePolicyHandlerEntry ?? brokerHandlerEntry(BrokerHandler.QUEUE_POLICY_STATEMENT),
      timeout: Duration.minutes(1),
    });
    this.queuePolicyFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    this.queuePolicyStatement = new CustomResource(this, 'QueuePolicyStatement', {
      serviceTimeout: CUSTOM_RESOURCE_TIMEOUT,
      serviceToken: this.queuePolicyFunction.functionArn,
      resourceType: QUEUE_POLICY_STATEMENT_TYPE,
      properties: {
        [QueuePolicyStatementProperty.QUEUE_URL]: this.queue.queueUrl,
        [QueuePolicyStatementProperty.SID]: statementId,
        [QueuePolicyStatementProperty.STATEMENT]: stack.toJsonString(statement),
      },
    });
    this.rule.node.addDependency(this.queuePolicyStatement);
  }
}
