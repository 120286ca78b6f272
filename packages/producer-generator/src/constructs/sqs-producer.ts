import { BrokerEnvVar, DEFAULT_MAX_EVENT_SIZE_BYTES, MAX_EVENT_SIZE_LIMIT_BYTES } from '@bridgeport/broker';
import { EnvVar } from '@bridgeport/core';
import {
  acknowledgeNagFindings,
  BrokerHandler,
  brokerHandlerEntry,
  createBrokerFunction,
} from '@bridgeport/infrastructure/cdk-kit';
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import { AccountPrincipal, ArnPrincipal, type IPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SqsProducerProps {
  /** Name of the ingress queue producers send to. */
  readonly ingressQueueName: string;
  /** Name of the dead-letter queue: invalid messages, and messages received too often. */
  readonly deadLetterQueueName: string;
  /**
   * Receives of a message before SQS moves it to the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /** Who may send: 12-digit account ids or IAM principal ARNs. */
  readonly allowedPrincipals: readonly string[];
  /** ARN of the bus the forwarder puts events on. */
  readonly eventBusArn: string;
  /** Bucket holding the producer's manifest (the forwarder reads its schema from it). */
  readonly publisherBucketName: string;
  /** Key of the producer's manifest in that bucket. */
  readonly manifestKey: string;
  /** Event type the forwarder serves. */
  readonly eventType: string;
  /** Version the forwarder serves. */
  readonly version: number;
  /**
   * Size limit of one event and of one PutEvents request.
   * @default DEFAULT_MAX_EVENT_SIZE_BYTES (256 KB)
   */
  readonly maxEventSizeBytes?: number;
  /**
   * Messages per forwarder invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long to gather messages before invoking the forwarder.
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * The forwarder's timeout; the ingress queue's visibility timeout is six times as long.
   * @default Duration.seconds(30)
   */
  readonly forwarderTimeout?: Duration;
  /**
   * Entry file of the forwarder (bundled with esbuild).
   * @default the `@bridgeport/broker` SQS forwarder handler
   */
  readonly forwarderEntry?: string;
}

/** The broker's SQS forwarder handler, bundled into every SQS producer. */
export function defaultForwarderEntry(): string {
  return brokerHandlerEntry(BrokerHandler.SQS_FORWARDER);
}

function toPrincipal(principal: string): IPrincipal {
  if (/^\d{12}$/.test(principal)) return new AccountPrincipal(principal);
  if (/^arn:[a-z-]+:iam::\d{12}:(root|(user|role)\/[\w+=,.@/-]+)$/.test(principal))
    return new ArnPrincipal(principal);
  throw new Error(
    `SqsProducer: allowedPrincipals contains ${JSON.stringify(principal)}, which is neither an account id nor an IAM user or role ARN`,
  );
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (
    value !== undefined &&
    !Token.isUnresolved(value) &&
    (!Number.isInteger(value) || value < min || value > max)
  ) {
    throw new Error(`SqsProducer: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * An SQS producer: an encrypted ingress queue with a dead-letter queue (redrive after `maxReceiveCount`
 * receives), a queue policy letting the allowed principals send, and the broker's forwarder function,
 * which validates each message and puts valid ones on the bus (partial batch failures reported).
 */
export class SqsProducer extends Construct {
  public readonly ingressQueue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly forwarder: NodejsFunction;

  constructor(scope: Construct, id: string, props: SqsProducerProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    checkRange('maxReceiveCount', maxReceiveCount, 1, 1000);
    checkRange('batchSize', props.batchSize, 1, 10_000);
    checkRange('maxEventSizeBytes', props.maxEventSizeBytes, 1, MAX_EVENT_SIZE_LIMIT_BYTES);
    checkRange('version', props.version, 1, Number.MAX_SAFE_INTEGER);
    if (props.allowedPrincipals.length === 0) {
      throw new Error('SqsProducer: allowedPrincipals must name at least one principal');
    }
    const principals = props.allowedPrincipals.map(toPrincipal);
    const stack = Stack.of(this);
    const timeout = props.forwarderTimeout ?? Duration.seconds(30);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.ingressQueue = new Queue(this, 'IngressQueue', {
      queueName: props.ingressQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    this.ingressQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowProducersToSend',
        principals,
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [this.ingressQueue.queueArn],
      }),
    );

    this.forwarder = createBrokerFunction(this, 'Forwarder', {
      description: `Validates ${props.eventType} version ${props.version} messages and puts them on the bus`,
      entry: props.forwarderEntry ?? defaultForwarderEntry(),
      timeout,
      environment: {
        [EnvVar.PUBLISHER_BUCKET]: props.publisherBucketName,
        [EnvVar.MAX_EVENT_SIZE_BYTES]: String(props.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES),
        [BrokerEnvVar.PRODUCER_EVENT_TYPE]: props.eventType,
        [BrokerEnvVar.PRODUCER_EVENT_VERSION]: String(props.version),
        [BrokerEnvVar.PRODUCER_DEAD_LETTER_QUEUE_URL]: this.deadLetterQueue.queueUrl,
      },
    });
    this.forwarder.addEventSource(
      new SqsEventSource(this.ingressQueue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    this.deadLetterQueue.grantSendMessages(this.forwarder);
    this.forwarder.addToRolePolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.eventBusArn] }),
    );
    this.forwarder.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          stack.formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: props.publisherBucketName,
            resourceName: props.manifestKey,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );

    acknowledgeNagFindings(this.deadLetterQueue, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the ingress queue.',
    });
  }
}
