import {
  DeploymentAction,
  DeploymentComponent,
  deploymentPipelineName,
  GENERATOR_CDK_QUALIFIER,
  PipelineVariable,
} from '@bridgeport/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { PipelineProject } from 'aws-cdk-lib/aws-codebuild';
import { Artifact, ExecutionMode, Pipeline, PipelineType, Variable } from 'aws-cdk-lib/aws-codepipeline';
import { CodeBuildAction, S3SourceAction, S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createDeploymentProject } from './deployment-build-project';
import { createManifestEventTrigger, createReconciler, createStatusRecorder } from './deployment-functions';
import { acknowledgeDeploymentPipelineFindings } from './deployment-pipeline-nag';
import { SecureBucket } from './secure-bucket';

/** Key of the pipeline's source (the zipped generators bundle) in the pipeline's bucket. */
export const DEFAULT_SOURCE_OBJECT_KEY = 'bridgeport/source.zip';
/**
 * The CDK bootstrap qualifier generated stacks deploy with: the generators' own bootstrap (core's
 * `generatorBootstrapNames`), whose CloudFormation execution policy allows only what the generators create.
 */
export const DEFAULT_CDK_QUALIFIER = GENERATOR_CDK_QUALIFIER;

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

    this.project = createDeploymentProject(this, props, { key: this.key, qualifier });

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
    // ---- trigger, status recorder and reconciler ----------------------------------------------------------
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

    const context = { pipelineName, pipeline: this.pipeline, deadLetterQueue: this.deadLetterQueue };
    const triggered = createManifestEventTrigger(this, props, context);
    this.manifestEventsQueue = triggered.manifestEventsQueue;
    this.trigger = triggered.trigger;
    this.triggerRule = triggered.triggerRule;
    const recorded = createStatusRecorder(this, props, context);
    this.statusRecorder = recorded.statusRecorder;
    this.statusRule = recorded.statusRule;
    const reconciled = createReconciler(this, props, context);
    this.reconciler = reconciled.reconciler;
    this.reconcileRule = reconciled.reconcileRule;

    acknowledgeDeploymentPipelineFindings(this, props);
  }
}
