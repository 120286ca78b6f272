import { BucketKind, bucketName, stackNames, tableName } from '@bridgeport/core';
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DeploymentPipeline, type DeploymentPipelineProps } from '../constructs/deployment-pipeline';
import { SecureBucket } from '../constructs/secure-bucket';
import { acknowledgeNagFindings } from '../kit/nag';
import { SharedStack, type SharedStackProps } from './shared-stack';

/** Outputs of the stack that `local_deploy.sh` reads. */
export const ComponentsStorageOutput = {
  SOURCE_BUCKET: 'DeploymentSourceBucketName',
  SOURCE_KEY: 'DeploymentSourceObjectKey',
  PIPELINE: 'DeploymentPipelineName',
} as const;

export interface ComponentsStorageStackProps extends SharedStackProps {
  /**
   * Settings of the deployment pipeline.
   * @default DeploymentPipeline's defaults
   */
  readonly pipeline?: Pick<
    DeploymentPipelineProps,
    | 'sourceObjectKey'
    | 'cdkQualifier'
    | 'allowedConsumerTargets'
    | 'buildTimeout'
    | 'triggerEntry'
    | 'statusEntry'
  >;
}

/**
 * `{env}-components-configuration-storage-service`: the publisher and subscriber components buckets (manifests;
 * EventBridge notifications on) and the deployment pipeline that turns every created or deleted manifest into a
 * `cdk deploy|destroy`, with the trigger and the status recorder.
 */
export class ComponentsStorageStack extends SharedStack {
  public readonly publisherBucket: SecureBucket;
  public readonly subscriberBucket: SecureBucket;
  public readonly accessLogsBucket: SecureBucket;
  public readonly deployment: DeploymentPipeline;

  constructor(scope: Construct, props: ComponentsStorageStackProps) {
    const { pipeline, ...sharedProps } = props;
    const { environment } = props.target;
    super(
      scope,
      stackNames(environment).componentsStorage,
      `Bridgeport ${environment}: component manifests and their deployment pipeline`,
      sharedProps,
    );
    this.accessLogsBucket = SecureBucket.forAccessLogs(this, 'the other buckets');
    // Versions are kept a while: destroying a stack reads the last version of its deleted manifest.
    this.publisherBucket = new SecureBucket(this, 'PublisherComponents', {
      bucketName: bucketName(BucketKind.PUBLISHER, props.target),
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      noncurrentVersionRetentionDays: 30,
    });
    this.subscriberBucket = new SecureBucket(this, 'SubscriberComponents', {
      bucketName: bucketName(BucketKind.SUBSCRIBER, props.target),
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      noncurrentVersionRetentionDays: 30,
    });
    // S3 turns EventBridge notifications on through a custom resource CDK adds once per stack.
    for (const child of this.node.children) {
      if (child.node.id.startsWith('BucketNotificationsHandler')) {
        acknowledgeNagFindings(child, {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's bucket notifications handler only writes its own logs with this policy.",
        });
      }
    }
    this.deployment = new DeploymentPipeline(this, 'Deployment', {
      ...pipeline,
      environment,
      publisherBucket: this.publisherBucket,
      subscriberBucket: this.subscriberBucket,
      tableName: tableName(environment),
      serverAccessLogsBucket: this.accessLogsBucket,
    });
    new CfnOutput(this, ComponentsStorageOutput.SOURCE_BUCKET, {
      value: this.deployment.bucket.bucketName,
      description: 'Bucket local_deploy.sh uploads the generators bundle (the pipeline source) to',
    });
    new CfnOutput(this, ComponentsStorageOutput.SOURCE_KEY, {
      value: this.deployment.sourceObjectKey,
      description: 'Key of the generators bundle the deployment pipeline builds from',
    });
    new CfnOutput(this, ComponentsStorageOutput.PIPELINE, {
      value: this.deployment.pipeline.pipelineName,
      description: 'The component deployment pipeline',
    });
  }
}
