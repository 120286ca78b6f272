/** The deployment pipeline's build: the CodeBuild project, its commands and what it may do. */
import { DeploymentComponent, deploymentProjectName, EnvVar } from '@bridgeport/core';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { BuildSpec, ComputeType, LinuxBuildImage, PipelineProject } from 'aws-cdk-lib/aws-codebuild';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLE_BUILD_STEP } from '../build/bundle-layout';
import type { DeploymentPipelineProps } from './deployment-pipeline';

/** Variables the build reads besides the pipeline variables. */
export const BuildEnvVar = {
  ENVIRONMENT: EnvVar.ENVIRONMENT,
  PUBLISHER_BUCKET: EnvVar.PUBLISHER_BUCKET,
  SUBSCRIBER_BUCKET: EnvVar.SUBSCRIBER_BUCKET,
  CDK_QUALIFIER: EnvVar.CDK_QUALIFIER,
  ALLOWED_CONSUMER_TARGETS: EnvVar.ALLOWED_CONSUMER_TARGETS,
} as const;

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

/** What the build project is made with besides the pipeline's props. */
export interface DeploymentProjectContext {
  /** Encrypts the build output. */
  readonly key: Key;
  /** CDK bootstrap qualifier of the roles the build assumes. */
  readonly qualifier: string;
}

/**
 * The CodeBuild project that runs `cdk deploy|destroy` of one manifest (`deploymentBuildCommands`), with its log
 * group and the permissions of a build: read the manifests, delete the stack of a deleted one, and assume the CDK
 * bootstrap roles that deploy.
 */
export function createDeploymentProject(
  scope: Construct,
  props: DeploymentPipelineProps,
  context: DeploymentProjectContext,
): PipelineProject {
  const stack = Stack.of(scope);
  const { qualifier } = context;
  const buildLogs = new LogGroup(scope, 'BuildLogs', { retention: RetentionDays.THREE_MONTHS });
  const project = new PipelineProject(scope, 'Project', {
    projectName: deploymentProjectName(props.environment),
    description: 'cdk deploy|destroy of one producer or consumer manifest',
    environment: { buildImage: LinuxBuildImage.STANDARD_7_0, computeType: ComputeType.MEDIUM },
    encryptionKey: context.key,
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
  project.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadManifests',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: manifestBuckets.map((bucket) => bucket.arnForObjects('*')),
    }),
  );
  project.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadTheVersionsOfAManifest',
      actions: ['s3:ListBucketVersions'],
      resources: manifestBuckets.map((bucket) => bucket.bucketArn),
    }),
  );
  project.addToRolePolicy(
    new PolicyStatement({
      sid: 'DeleteTheStackOfADeletedManifest',
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DeleteStack'],
      resources: generatedStackArns(stack, props.environment),
    }),
  );
  project.addToRolePolicy(
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
  return project;
}
