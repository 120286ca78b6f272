import {
  DeploymentAction,
  DeploymentComponent,
  deploymentPipelineName,
  deploymentProjectName,
  EnvVar,
  EVENT_TYPE_PATTERN,
  PipelineVariable,
  SUBSCRIPTION_ID_PATTERN,
} from '@bridgeport/core';
import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { BuildSpec, ComputeType, LinuxBuildImage, PipelineProject } from 'aws-cdk-lib/aws-codebuild';
import { Artifact, ExecutionMode, Pipeline, PipelineType, Variable } from 'aws-cdk-lib/aws-codepipeline';
import { CodeBuildAction, S3SourceAction, S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BrokerHandler, brokerHandlerEntry, createBrokerFunction } from '../kit/broker-function';
import { acknowledgeNagFindings } from '../kit/nag';
import { SecureBucket } from './secure-bucket';

/** Key of the Bridgeport source bundle (a zip of the repository) in the pipeline's source bucket. */
export const DEFAULT_SOURCE_OBJECT_KEY = 'bridgeport/source.zip';
/** The CDK bootstrap qualifier of `cdk bootstrap` without `--qualifier`. */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

/** Variables the build reads besides the pipeline variables. */
export const BuildEnvVar = {
  ENVIRONMENT: EnvVar.ENVIRONMENT,
  PUBLISHER_BUCKET: EnvVar.PUBLISHER_BUCKET,
  SUBSCRIBER_BUCKET: EnvVar.SUBSCRIBER_BUCKET,
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
}

const MANIFEST_KEY_REGEX = `^${EVENT_TYPE_PATTERN.source.slice(1, -1)}/[1-9][0-9]{0,14}/(${SUBSCRIPTION_ID_PATTERN.source.slice(1, -1)}/)?deploy\\.json$`;

/**
 * The build's shell commands. Every pipeline variable is checked before use (only a manifest key of one of the
 * two buckets, `deploy|destroy` and `producer|consumer` pass), then the generator's CDK app deploys the stack of
 * the manifest, or destroys it from the manifest's last version (the object itself is gone by then).
 */
export function deploymentBuildCommands(): string[] {
  const v = PipelineVariable;
  const e = BuildEnvVar;
  return [
    `case "$${v.ACTION}" in ${DeploymentAction.DEPLOY}|${DeploymentAction.DESTROY}) ;; *) echo "${v.ACTION} must be ${DeploymentAction.DEPLOY} or ${DeploymentAction.DESTROY}, got '$${v.ACTION}'" >&2; exit 1 ;; esac`,
    `case "$${v.COMPONENT}" in ${DeploymentComponent.PRODUCER}|${DeploymentComponent.CONSUMER}) ;; *) echo "${v.COMPONENT} must be ${DeploymentComponent.PRODUCER} or ${DeploymentComponent.CONSUMER}, got '$${v.COMPONENT}'" >&2; exit 1 ;; esac`,
    `if [ "$${v.MANIFEST_BUCKET}" != "$${e.PUBLISHER_BUCKET}" ] && [ "$${v.MANIFEST_BUCKET}" != "$${e.SUBSCRIBER_BUCKET}" ]; then echo "${v.MANIFEST_BUCKET} '$${v.MANIFEST_BUCKET}' is not a components bucket" >&2; exit 1; fi`,
    `if ! [[ "$${v.MANIFEST_KEY}" =~ ${MANIFEST_KEY_REGEX} ]]; then echo "${v.MANIFEST_KEY} '$${v.MANIFEST_KEY}' is not a manifest key" >&2; exit 1; fi`,
    `echo "$${v.ACTION} $${v.COMPONENT} s3://$${v.MANIFEST_BUCKET}/$${v.MANIFEST_KEY} ($${e.ENVIRONMENT})"`,
    `cd "packages/$${v.COMPONENT}-generator"`,
    `if [ "$${v.ACTION}" = ${DeploymentAction.DEPLOY} ]; then npx cdk deploy --all --require-approval never --no-notices --no-version-reporting -c "manifest=s3://$${v.MANIFEST_BUCKET}/$${v.MANIFEST_KEY}" -c "environment=$${e.ENVIRONMENT}"; fi`,
    `if [ "$${v.ACTION}" = ${DeploymentAction.DESTROY} ]; then MANIFEST_VERSION=$(aws s3api list-object-versions --bucket "$${v.MANIFEST_BUCKET}" --prefix "$${v.MANIFEST_KEY}" --query "sort_by(Versions[?Key=='$${v.MANIFEST_KEY}'], &LastModified)[-1].VersionId" --output text) && if [ -z "$MANIFEST_VERSION" ] || [ "$MANIFEST_VERSION" = None ]; then echo "No version of $${v.MANIFEST_KEY} is left: nothing to destroy"; else aws s3api get-object --bucket "$${v.MANIFEST_BUCKET}" --key "$${v.MANIFEST_KEY}" --version-id "$MANIFEST_VERSION" "$CODEBUILD_SRC_DIR/manifest.json" > /dev/null && npx cdk destroy --all --force --no-notices --no-version-reporting -c "manifest=$CODEBUILD_SRC_DIR/manifest.json" -c "environment=$${e.ENVIRONMENT}"; fi; fi`,
  ];
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
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeploymentPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const qualifier = props.cdkQualifier ?? DEFAULT_CDK_QUALIFIER;
    if (!/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
      throw new Error(`DeploymentPipeline: cdkQualifier must match ^[A-Za-z0-9_-]{1,10}$, got ${qualifier}`);
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
        CDK_DISABLE_CLI_TELEMETRY: { value: 'true' },
      },
      buildSpec: BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          install: {
            'runtime-versions': { nodejs: 22 },
            commands: ['corepack enable', 'pnpm install --frozen-lockfile'],
          },
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
        sid: 'FindTheLastVersionOfADeletedManifest',
        actions: ['s3:ListBucketVersions'],
        resources: manifestBuckets.map((bucket) => bucket.bucketArn),
      }),
    );
    this.project.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeployWithTheCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        resources: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((role) =>
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

    this.trigger = this.handler('Trigger', {
      entry: props.triggerEntry ?? brokerHandlerEntry(BrokerHandler.DEPLOYMENT_TRIGGER),
      description: `Starts ${pipelineName} for every manifest created or deleted`,
      environment: {
        [EnvVar.DEPLOYMENT_PIPELINE_NAME]: pipelineName,
        [EnvVar.PUBLISHER_BUCKET]: props.publisherBucket.bucketName,
        [EnvVar.SUBSCRIBER_BUCKET]: props.subscriberBucket.bucketName,
      },
    });
    this.trigger.addToRolePolicy(
      new PolicyStatement({
        sid: 'StartTheDeploymentPipeline',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [this.pipeline.pipelineArn],
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
      targets: [this.target(this.trigger)],
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
      reason: 'This queue is the dead-letter queue of the trigger and status recorder (rules and functions).',
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
