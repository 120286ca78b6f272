import {
  DeploymentAction,
  DeploymentComponent,
  deploymentPipelineName,
  deploymentProjectName,
  EnvVar,
  GENERATOR_CDK_QUALIFIER,
  PipelineVariable,
} from '@bridgeport/core';
import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { BuildSpec, ComputeType, LinuxBuildImage, PipelineProject } from 'aws-cdk-lib/aws-codebuild';
import { Artifact, ExecutionMode, Pipeline, PipelineType, Variable } from 'aws-cdk-lib/aws-codepipeline';
import { CodeBuildAction, S3SourceAction, S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUNDLE_BUILD_STEP } from '../build/bundle-layout';
import { BrokerHandler, brokerHandlerEntry, createBrokerFunction } from '../kit/broker-function';
import { acknowledgeNagFindings } from '../kit/nag';
import { SecureBucket } from './secure-bucket';

/** Key of the pipeline's source (the zipped generators bundle) in the pipeline's bucket. */
export const DEFAULT_SOURCE_OBJECT_KEY = 'bridgeport/source.zip';
/**
 * The CDK bootstrap qualifier generated stacks deploy with: the generators' own bootstrap (core's
 * `generatorBootstrapNames`), whose CloudFormation execution policy allows only what the generators create.
 */
export const DEFAULT_CDK_QUALIFIER = GENERATOR_CDK_QUALIFIER;

/** Variables the build reads besides the pipeline variables. */
export const BuildEnvVar = {
  ENVIRONMENT: EnvVar.ENVIRONMENT,
  PUBLISHER_BUCKET: EnvVar.PUBLISHER_BUCKET,
  SUBSCRIBER_BUCKET: EnvVar.SUBSCRIBER_BUCKET,
  CDK_QUALIFIER: EnvVar.CDK_QUALIFIER,
  ALLOWED_CONSUMER_TARGETS: EnvVar.ALLOWED_CONSUMER_TARGETS,
} as const;

export interface DeploymentPipelineProps {
  readonly environment: string;
  /** Bucket of producer manifests (`{event_type}/{version}/deploy.json`). */
  readonly publisherBucket: IBucket;
  /** Bucket of consumer manifests (`{event_type}/{version}/{subscription_id}/deploy.json`). */
  readonly subscriberBucket: IBucket;
  /** The portal's events table, where deployment statuses are recorded (it may not exist yet). */
  readonly tableName: string;
  /** Bucket receiving the server access logs of the pipeline's bucket. */
  readonly serverAccessLogsBucket: IBucket;
  /**
   * Key of the Bridgeport source bundle the build runs from (uploaded by `local_deploy.sh`).
   * @default DEFAULT_SOURCE_OBJECT_KEY
   */
  readonly sourceObjectKey?: string;
  /**
   * Qualifier of the CDK bootstrap stack whose roles the build assumes to deploy.
   * @default DEFAULT_CDK_QUALIFIER
   */
  readonly cdkQualifier?: string;
  /**
   * Lambda functions and SQS queues of the account that subscriptions may target (ARNs, a trailing `*` for a
   * prefix): the consumer generator refuses any other target of the account at deploy time.
   * @default none allowed
   */
  readonly allowedConsumerTargets?: readonly string[];
  /**
   * Time limit of one deployment.
   * @default Duration.minutes(60)
   */
  readonly buildTimeout?: Duration;
  /**
   * Entry files of the deployment trigger and status recorder (bundled with esbuild).
   * @default the `@bridgeport/broker` deployment handlers
   */
  readonly triggerEntry?: string;
  /** @default the `@bridgeport/broker` deployment status handler */
  readonly statusEntry?: string;
  /** @default the `@bridgeport/broker` deployment reconciler handler */
  readonly reconcilerEntry?: string;
  /**
   * How often the reconciler compares the manifests, the stacks and the portal's records.
   * @default Duration.minutes(15)
   */
  readonly reconcileInterval?: Duration;
  /**
   * Deliveries of a manifest event to the trigger before it goes to the dead-letter queue; failed deliveries
   * are retried after 30 s, 1, 2, 4, 8 then every 15 minutes (about 2 h 45 min for the default).
   * @default 15
   */
  readonly manifestEventMaxReceiveCount?: number;
}

/**
 * The build's commands, run in the generators bundle (the pipeline's source, see `buildGeneratorsBundle`; nothing
 * is installed): one step (`manifest-build.js`, from `bin/manifest-build.ts`) checks every pipeline variable
 * (only a manifest key of one of the two buckets, and its generator, pass), decides from what the bucket holds
 * now with the rule the trigger uses (core's `reconcileManifest`), then deploys the current version with its
 * generator and the bundled CDK CLI, or deletes the stack of a deleted manifest.
 */
export function deploymentBuildCommands(): string[] {
  return [`node ${BUNDLE_BUILD_STEP}`];
}

/** ARNs of every stack the generators make in `environment` (`{env}-producer-…`, `{env}-consumer-…`). */
export function generatedStackArns(stack: Stack, environment: string): string[] {
  return [DeploymentComponent.PRODUCER, DeploymentComponent.CONSUMER].map((component) =>
    stack.formatArn({
      service: 'cloudformation',
      resource: 'stack',
      resourceName: `${environment}-${component}-*/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
  );
}

/**
 * The component deployment pipeline: CodePipeline (V2, queued executions) with the variables
 * `MANIFEST_BUCKET`, `MANIFEST_KEY`, `ACTION` and `COMPONENT`, a source stage reading the Bridgeport source
 * bundle, and a CodeBuild project that runs `cdk deploy|destroy` of the producer or consumer generator for one
 * manifest. The deployment trigger starts an execution for every manifest created or deleted in the two
 * components buckets; the status recorder writes each execution's outcome into the portal's table.
 */
export class DeploymentPipeline extends Construct {
  public readonly pipeline: Pipeline;
  public readonly project: PipelineProject;
  public readonly key: Key;
  /** Holds the source bundle (`sourceObjectKey`) and the pipeline's artifacts. */
  public readonly bucket: SecureBucket;
  public readonly sourceObjectKey: string;
  public readonly trigger: NodejsFunction;
  public readonly triggerRule: Rule;
  public readonly statusRecorder: NodejsFunction;
  public readonly statusRule: Rule;
  /** Manifest events between the rule and the trigger (redriven with backoff, then dead-lettered). */
  public readonly manifestEventsQueue: Queue;
  public readonly reconciler: NodejsFunction;
  public readonly reconcileRule: Rule;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeploymentPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const qualifier = props.cdkQualifier ?? DEFAULT_CDK_QUALIFIER;
    if (!/^[a-z0-9-]{1,10}$/.test(qualifier)) {
      throw new Error(`DeploymentPipeline: cdkQualifier must match ^[a-z0-9-]{1,10}$, got ${qualifier}`);
    }
    this.sourceObjectKey = props.sourceObjectKey ?? DEFAULT_SOURCE_OBJECT_KEY;
    const pipelineName = deploymentPipelineName(props.environment);

    this.key = new Key(this, 'Key', {
      description: `Encrypts the artifacts and build output of ${pipelineName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new SecureBucket(this, 'PipelineBucket', {
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      noncurrentVersionRetentionDays: 30,
      // CodePipeline keeps artifacts under the first 20 characters of the pipeline name.
      lifecycleRules: [
        { id: 'ExpireArtifacts', prefix: `${pipelineName.slice(0, 20)}/`, expiration: Duration.days(30) },
      ],
    });

    // ---- build ---------------------------------------------------------------------------------------------
    const buildLogs = new LogGroup(this, 'BuildLogs', { retention: RetentionDays.THREE_MONTHS });
    this.project = new PipelineProject(this, 'Project', {
      projectName: deploymentProjectName(props.environment),
      description: 'cdk deploy|destroy of one producer or consumer manifest',
      environment: { buildImage: LinuxBuildImage.STANDARD_7_0, computeType: ComputeType.MEDIUM },
      encryptionKey: this.key,
      timeout: props.buildTimeout ?? Duration.minutes(60),
      logging: { cloudWatch: { logGroup: buildLogs } },
      environmentVariables: {
        [BuildEnvVar.ENVIRONMENT]: { value: props.environment },
        [BuildEnvVar.PUBLISHER_BUCKET]: { value: props.publisherBucket.bucketName },
        [BuildEnvVar.SUBSCRIBER_BUCKET]: { value: props.subscriberBucket.bucketName },
        [BuildEnvVar.CDK_QUALIFIER]: { value: qualifier },
        ...((props.allowedConsumerTargets ?? []).length === 0
          ? {}
          : {
              [BuildEnvVar.ALLOWED_CONSUMER_TARGETS]: {
                value: (props.allowedConsumerTargets ?? []).join(','),
              },
            }),
        CDK_DISABLE_CLI_TELEMETRY: { value: 'true' },
      },
      buildSpec: BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          install: { 'runtime-versions': { nodejs: 22 } },
          build: { commands: deploymentBuildCommands() },
        },
      }),
    });
    const manifestBuckets = [props.publisherBucket, props.subscriberBucket];
    this.project.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadManifests',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: manifestBuckets.map((bucket) => bucket.arnForObjects('*')),
      }),
    );
    this.project.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadTheVersionsOfAManifest',
        actions: ['s3:ListBucketVersions'],
        resources: manifestBuckets.map((bucket) => bucket.bucketArn),
      }),
    );
    this.project.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeleteTheStackOfADeletedManifest',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:DeleteStack'],
        resources: generatedStackArns(stack, props.environment),
      }),
    );
    this.project.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeployWithTheCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        // Only what `cdk deploy` of a generated stack needs: no image publishing, no context lookups.
        resources: ['deploy', 'file-publishing'].map((role) =>
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `cdk-${qualifier}-${role}-role-${stack.account}-${stack.region}`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
      }),
    );

    // ---- pipeline ------------------------------------------------------------------------------------------
    const variables: Record<PipelineVariable, Variable> = {
      [PipelineVariable.MANIFEST_BUCKET]: new Variable({
        variableName: PipelineVariable.MANIFEST_BUCKET,
        description: 'Components bucket holding the manifest',
      }),
      [PipelineVariable.MANIFEST_KEY]: new Variable({
        variableName: PipelineVariable.MANIFEST_KEY,
        description: 'Key of the manifest (deploy.json)',
      }),
      [PipelineVariable.ACTION]: new Variable({
        variableName: PipelineVariable.ACTION,
        description: `${DeploymentAction.DEPLOY} or ${DeploymentAction.DESTROY}`,
      }),
      [PipelineVariable.COMPONENT]: new Variable({
        variableName: PipelineVariable.COMPONENT,
        description: `${DeploymentComponent.PRODUCER} or ${DeploymentComponent.CONSUMER}: the generator to run`,
      }),
      [PipelineVariable.MANIFEST_VERSION_ID]: new Variable({
        variableName: PipelineVariable.MANIFEST_VERSION_ID,
        description: 'Version the trigger found current (the build decides again from what is current then)',
        defaultValue: 'none',
      }),
    };
    const source = new Artifact('Source');
    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: PipelineType.V2,
      executionMode: ExecutionMode.QUEUED,
      artifactBucket: this.bucket,
      usePipelineRoleForActions: true,
      restartExecutionOnUpdate: false,
      variables: Object.values(variables),
      stages: [
        {
          stageName: 'Source',
          actions: [
            new S3SourceAction({
              actionName: 'BridgeportSource',
              bucket: this.bucket,
              bucketKey: this.sourceObjectKey,
              trigger: S3Trigger.NONE,
              output: source,
            }),
          ],
        },
        {
          stageName: 'Deploy',
          actions: [
            new CodeBuildAction({
              actionName: 'CdkDeployOrDestroy',
              project: this.project,
              input: source,
              environmentVariables: Object.fromEntries(
                Object.values(variables).map((variable) => [
                  variable.variableName,
                  { value: variable.reference() },
                ]),
              ),
            }),
          ],
        },
      ],
    });

    // ---- trigger and status recorder -----------------------------------------------------------------------
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `A manifest event or a deployment status could not be handled (see the dead-letter queue of ${pipelineName})`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.manifestEventsQueue = new Queue(this, 'ManifestEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Six times the trigger's timeout, as Lambda advises for an SQS event source.
      visibilityTimeout: Duration.minutes(3),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.manifestEventMaxReceiveCount ?? 15,
      },
    });
    this.trigger = createBrokerFunction(this, 'Trigger', {
      entry: props.triggerEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_TRIGGER),
      description: `Starts ${pipelineName} for every manifest event, from what the bucket holds now`,
      environment: {
        [EnvVar.DEPLOYMENT_PIPELINE_NAME]: pipelineName,
        [EnvVar.PUBLISHER_BUCKET]: props.publisherBucket.bucketName,
        [EnvVar.SUBSCRIBER_BUCKET]: props.subscriberBucket.bucketName,
        [EnvVar.MANIFEST_EVENTS_QUEUE_URL]: this.manifestEventsQueue.queueUrl,
      },
    });
    this.trigger.addEventSource(
      new SqsEventSource(this.manifestEventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.trigger.addToRolePolicy(
      new PolicyStatement({
        sid: 'StartTheDeploymentPipeline',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [this.pipeline.pipelineArn],
      }),
    );
    this.trigger.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadTheVersionsOfAManifest',
        actions: ['s3:ListBucketVersions'],
        resources: manifestBuckets.map((bucket) => bucket.bucketArn),
      }),
    );
    this.triggerRule = new Rule(this, 'ManifestChanged', {
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
        new SqsQueue(this.manifestEventsQueue, {
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    this.statusRecorder = this.handler('StatusRecorder', {
      entry: props.statusEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_STATUS),
      description: `Records the outcome of every ${pipelineName} execution in ${props.tableName}`,
      environment: {
        [EnvVar.DEPLOYMENT_PIPELINE_NAME]: pipelineName,
        [EnvVar.TABLE_NAME]: props.tableName,
      },
    });
    this.statusRecorder.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadExecutionVariables',
        actions: ['codepipeline:GetPipelineExecution'],
        resources: [this.pipeline.pipelineArn],
      }),
    );
    this.statusRecorder.addToRolePolicy(
      new PolicyStatement({
        sid: 'RecordDeploymentStatus',
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        resources: [
          stack.formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: props.tableName,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.statusRule = new Rule(this, 'ExecutionStateChanged', {
      description: `An execution of ${pipelineName} changed state`,
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { pipeline: [pipelineName] },
      },
      targets: [this.target(this.statusRecorder)],
    });

    this.reconciler = createBrokerFunction(this, 'Reconciler', {
      entry: props.reconcilerEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_RECONCILER),
      description: `Starts ${pipelineName} for manifests whose stack is missing or stale, and for orphan stacks`,
      timeout: Duration.minutes(5),
      environment: {
        [EnvVar.ENVIRONMENT]: props.environment,
        [EnvVar.DEPLOYMENT_PIPELINE_NAME]: pipelineName,
        [EnvVar.PUBLISHER_BUCKET]: props.publisherBucket.bucketName,
        [EnvVar.SUBSCRIBER_BUCKET]: props.subscriberBucket.bucketName,
        [EnvVar.TABLE_NAME]: props.tableName,
      },
    });
    this.reconciler.addToRolePolicy(
      new PolicyStatement({
        sid: 'StartTheDeploymentPipeline',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [this.pipeline.pipelineArn],
      }),
    );
    this.reconciler.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListTheManifests',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: manifestBuckets.map((bucket) => bucket.bucketArn),
      }),
    );
    this.reconciler.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListTheDeployedStacks',
        // DescribeStacks without a stack name lists every stack: it takes no narrower resource.
        actions: ['cloudformation:DescribeStacks'],
        resources: ['*'],
      }),
    );
    this.reconciler.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadDeploymentStatuses',
        actions: ['dynamodb:GetItem'],
        resources: [
          stack.formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: props.tableName,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.reconcileRule = new Rule(this, 'ReconcileSchedule', {
      description: `Runs the reconciler of ${pipelineName}`,
      schedule: Schedule.rate(props.reconcileInterval ?? Duration.minutes(15)),
      targets: [this.target(this.reconciler)],
    });

    this.acknowledgeNagFindings(props);
  }

  private handler(
    id: string,
    options: { entry: string; description: string; environment: Record<string, string> },
  ): NodejsFunction {
    return createBrokerFunction(this, id, {
      ...options,
      retryAttempts: 2,
      deadLetterQueue: this.deadLetterQueue,
    });
  }

  private target(fn: NodejsFunction): LambdaFunction {
    return new LambdaFunction(fn, {
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: this.deadLetterQueue,
    });
  }

  private acknowledgeNagFindings(props: DeploymentPipelineProps): void {
    const stack = Stack.of(this);
    const logicalId = (construct: Construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
    const project = logicalId(this.project);
    acknowledgeNagFindings(this.deadLetterQueue, {
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the manifest events queue, the rules and the status recorder and reconciler.',
    });
    acknowledgeNagFindings(this.reconciler, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudformation:DescribeStacks without a stack name (listing every stack) takes no narrower resource.',
    });
    acknowledgeNagFindings(
      this,
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/<${project}>:*]`,
        reason:
          'CodeBuild writes one log stream per build of this project; stream names are not known in advance.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${stack.region}:${stack.account}:report-group/<${project}>-*]`,
        reason: 'Test report groups of this project only (CodeBuild names them after the project).',
      },
      ...[DeploymentComponent.PRODUCER, DeploymentComponent.CONSUMER].map((component) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:${stack.region}:${stack.account}:stack/${props.environment}-${component}-*/*]`,
        reason: `The build deletes the stack of a deleted manifest: only stacks the ${component} generator makes in ${props.environment}.`,
      })),
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: "Limited to the pipeline's own key, which encrypts its artifacts and build output.",
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: "Limited to the pipeline's own key, which encrypts its artifacts and build output.",
      },
      ...[props.publisherBucket, props.subscriberBucket].map((bucket) => ({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/*]`,
        reason:
          'The build reads the manifest named by the execution, and for a teardown its last version: any manifest of the bucket.',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(this.bucket)}.Arn>/*]`,
        reason:
          "The pipeline and its build read and write their artifacts: any object of the pipeline's own bucket.",
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: "Artifact access CodePipeline needs, limited to the pipeline's own bucket.",
      })),
    );
  }
}
