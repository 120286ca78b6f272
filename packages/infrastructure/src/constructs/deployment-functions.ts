/** The deployment pipeline's functions: the trigger of manifest events, the status recorder and the reconciler. */
import { EnvVar } from '@bridgeport/core';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { Pipeline } from 'aws-cdk-lib/aws-codepipeline';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BrokerHandler, brokerHandlerEntry, createBrokerFunction } from '../kit/broker-function';
import type { DeploymentPipelineProps } from './deployment-pipeline';

/** What the pipeline's functions are made with besides the pipeline's props. */
export interface DeploymentFunctionsContext {
  readonly pipelineName: string;
  readonly pipeline: Pipeline;
  /** Where events and invocations that cannot be handled end. */
  readonly deadLetterQueue: Queue;
}

/** The ARN of the portal's events table (which may not exist yet, so it is not imported). */
function tableArn(scope: Construct, tableName: string): string {
  return Stack.of(scope).formatArn({
    service: 'dynamodb',
    resource: 'table',
    resourceName: tableName,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** A rule's Lambda target: retried for two hours, then dead-lettered. */
function ruleTarget(fn: NodejsFunction, deadLetterQueue: Queue): LambdaFunction {
  return new LambdaFunction(fn, {
    retryAttempts: 8,
    maxEventAge: Duration.hours(2),
    deadLetterQueue,
  });
}

/**
 * The deployment trigger: manifest events of the two components buckets reach it through a queue (redriven with
 * backoff, then dead-lettered), and it starts an execution of the pipeline for each.
 */
export function createManifestEventTrigger(
  scope: Construct,
  props: DeploymentPipelineProps,
  context: DeploymentFunctionsContext,
): { manifestEventsQueue: Queue; trigger: NodejsFunction; triggerRule: Rule } {
  const manifestBuckets = [props.publisherBucket, props.subscriberBucket];
  const manifestEventsQueue = new Queue(scope, 'ManifestEvents', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(4),
    // Six times the trigger's timeout, as Lambda advises for an SQS event source.
    visibilityTimeout: Duration.minutes(3),
    deadLetterQueue: {
      queue: context.deadLetterQueue,
      maxReceiveCount: props.manifestEventMaxReceiveCount ?? 15,
    },
  });
  const trigger = createBrokerFunction(scope, 'Trigger', {
    entry: props.triggerEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_TRIGGER),
    description: `Starts ${context.pipelineName} for every manifest event, from what the bucket holds now`,
    environment: {
      [EnvVar.DEPLOYMENT_PIPELINE_NAME]: context.pipelineName,
      [EnvVar.PUBLISHER_BUCKET]: props.publisherBucket.bucketName,
      [EnvVar.SUBSCRIBER_BUCKET]: props.subscriberBucket.bucketName,
      [EnvVar.MANIFEST_EVENTS_QUEUE_URL]: manifestEventsQueue.queueUrl,
    },
  });
  trigger.addEventSource(
    new SqsEventSource(manifestEventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
  );
  trigger.addToRolePolicy(
    new PolicyStatement({
      sid: 'StartTheDeploymentPipeline',
      actions: ['codepipeline:StartPipelineExecution'],
      resources: [context.pipeline.pipelineArn],
    }),
  );
  trigger.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadTheVersionsOfAManifest',
      actions: ['s3:ListBucketVersions'],
      resources: manifestBuckets.map((bucket) => bucket.bucketArn),
    }),
  );
  const triggerRule = new Rule(scope, 'ManifestChanged', {
    description: 'A manifest was created in or deleted from a components bucket',
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created', 'Object Deleted'],
      detail: {
        bucket: { name: manifestBuckets.map((bucket) => bucket.bucketName) },
        object: { key: [{ suffix: '/deploy.json' }] },
      },
    },
    targets: [
      new SqsQueue(manifestEventsQueue, {
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: context.deadLetterQueue,
      }),
    ],
  });
  return { manifestEventsQueue, trigger, triggerRule };
}

/** The status recorder: writes the outcome of every execution of the pipeline into the portal's table. */
export function createStatusRecorder(
  scope: Construct,
  props: DeploymentPipelineProps,
  context: DeploymentFunctionsContext,
): { statusRecorder: NodejsFunction; statusRule: Rule } {
  const statusRecorder = createBrokerFunction(scope, 'StatusRecorder', {
    retryAttempts: 2,
    deadLetterQueue: context.deadLetterQueue,
    entry: props.statusEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_STATUS),
    description: `Records the outcome of every ${context.pipelineName} execution in ${props.tableName}`,
    environment: {
      [EnvVar.DEPLOYMENT_PIPELINE_NAME]: context.pipelineName,
      [EnvVar.TABLE_NAME]: props.tableName,
    },
  });
  statusRecorder.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadExecutionVariables',
      actions: ['codepipeline:GetPipelineExecution'],
      resources: [context.pipeline.pipelineArn],
    }),
  );
  statusRecorder.addToRolePolicy(
    new PolicyStatement({
      sid: 'RecordDeploymentStatus',
      actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
      resources: [tableArn(scope, props.tableName)],
    }),
  );
  const statusRule = new Rule(scope, 'ExecutionStateChanged', {
    description: `An execution of ${context.pipelineName} changed state`,
    eventPattern: {
      source: ['aws.codepipeline'],
      detailType: ['CodePipeline Pipeline Execution State Change'],
      detail: { pipeline: [context.pipelineName] },
    },
    targets: [ruleTarget(statusRecorder, context.deadLetterQueue)],
  });
  return { statusRecorder, statusRule };
}

/** The reconciler: on a schedule, starts the pipeline for manifests whose stack is missing or stale, and for orphans. */
export function createReconciler(
  scope: Construct,
  props: DeploymentPipelineProps,
  context: DeploymentFunctionsContext,
): { reconciler: NodejsFunction; reconcileRule: Rule } {
  const manifestBuckets = [props.publisherBucket, props.subscriberBucket];

  const reconciler = createBrokerFunction(scope, 'Reconciler', {
    entry: props.reconcilerEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_RECONCILER),
    description: `Starts ${context.pipelineName} for manifests whose stack is missing or stale, and for orphan stacks`,
    timeout: Duration.minutes(5),
    environment: {
      [EnvVar.ENVIRONMENT]: props.environment,
      [EnvVar.DEPLOYMENT_PIPELINE_NAME]: context.pipelineName,
      [EnvVar.PUBLISHER_BUCKET]: props.publisherBucket.bucketName,
      [EnvVar.SUBSCRIBER_BUCKET]: props.subscriberBucket.bucketName,
      [EnvVar.TABLE_NAME]: props.tableName,
    },
  });
  reconciler.addToRolePolicy(
    new PolicyStatement({
      sid: 'StartTheDeploymentPipeline',
      actions: ['codepipeline:StartPipelineExecution'],
      resources: [context.pipeline.pipelineArn],
    }),
  );
  reconciler.addToRolePolicy(
    new PolicyStatement({
      sid: 'ListTheManifests',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: manifestBuckets.map((bucket) => bucket.bucketArn),
    }),
  );
  reconciler.addToRolePolicy(
    new PolicyStatement({
      sid: 'ListTheDeployedStacks',
      // DescribeStacks without a stack name lists every stack: it takes no narrower resource.
      actions: ['cloudformation:DescribeStacks'],
      resources: ['*'],
    }),
  );
  reconciler.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadDeploymentStatuses',
      actions: ['dynamodb:GetItem'],
      resources: [tableArn(scope, props.tableName)],
    }),
  );
  const reconcileRule = new Rule(scope, 'ReconcileSchedule', {
    description: `Runs the reconciler of ${context.pipelineName}`,
    schedule: Schedule.rate(props.reconcileInterval ?? Duration.minutes(15)),
    targets: [ruleTarget(reconciler, context.deadLetterQueue)],
  });
  return { reconciler, reconcileRule };
}
