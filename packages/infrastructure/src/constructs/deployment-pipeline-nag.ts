/** The cdk-nag findings the deployment pipeline acknowledges, each with its reason. */
import { DeploymentComponent } from '@bridgeport/core';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../kit/nag';
import type { DeploymentPipeline, DeploymentPipelineProps } from './deployment-pipeline';

export function acknowledgeDeploymentPipelineFindings(
  pipeline: DeploymentPipeline,
  props: DeploymentPipelineProps,
): void {
  const stack = Stack.of(pipeline);
  const logicalId = (construct: Construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const project = logicalId(pipeline.project);
  acknowledgeNagFindings(pipeline.deadLetterQueue, {
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue of the manifest events queue, the rules and the status recorder and reconciler.',
  });
  acknowledgeNagFindings(pipeline.reconciler, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'cloudformation:DescribeStacks without a stack name (listing every stack) takes no narrower resource.',
  });
  acknowledgeNagFindings(
    pipeline,
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
      id: `AwsSolutions-IAM5[Resource::<${logicalId(pipeline.bucket)}.Arn>/*]`,
      reason:
        "The pipeline and its build read and write their artifacts: any object of the pipeline's own bucket.",
    },
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: "Artifact access CodePipeline needs, limited to the pipeline's own bucket.",
    })),
  );
}
