import {
  type CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import {
  DeploymentComponent,
  type EnvSource,
  EnvVar,
  GENERATOR_CDK_QUALIFIER,
  GENERATOR_CDK_TOOLKIT_STACK,
  type ManifestKey,
  type ManifestVersionReader,
  manifestStackName,
  PipelineVariable,
  parseManifestKey,
  type ReconcileDecision,
  reconcileManifest,
} from '@bridgeport/core';
import { InfrastructureInputError } from '../errors';
import { GeneratorContext } from '../kit/generator-app';

/** What one build is asked to reconcile: the pipeline variables and the build's own environment. */
export interface ManifestBuildInput {
  readonly environment: string;
  readonly bucket: string;
  readonly key: string;
  readonly component: DeploymentComponent;
  readonly manifest: ManifestKey;
  /** The CDK bootstrap qualifier generated stacks deploy with (`BRIDGEPORT_CDK_QUALIFIER`). */
  readonly qualifier: string;
  /**
   * The environment's allow-list of same-account consumer targets (`BRIDGEPORT_ALLOWED_CONSUMER_TARGETS`),
   * passed to the consumer generator; unset is an empty list (nothing of the account allowed).
   */
  readonly allowedConsumerTargets: string;
}

/**
 * Reads and checks the build's input: the manifest bucket must be one of the environment's two components
 * buckets, the key a manifest key of that bucket's kind, and the component the generator of that kind.
 * Throws `InfrastructureInputError` naming the variable at fault.
 */
export function readManifestBuildInput(env: EnvSource): ManifestBuildInput {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new InfrastructureInputError(name, `Environment variable ${name} is not set`);
    }
    return value;
  };
  const environment = required(EnvVar.ENVIRONMENT);
  const publisherBucket = required(EnvVar.PUBLISHER_BUCKET);
  const subscriberBucket = required(EnvVar.SUBSCRIBER_BUCKET);
  const bucket = required(PipelineVariable.MANIFEST_BUCKET);
  const key = required(PipelineVariable.MANIFEST_KEY);
  const component = required(PipelineVariable.COMPONENT);
  const kindOfBucket: Readonly<Record<string, DeploymentComponent>> = {
    [publisherBucket]: DeploymentComponent.PRODUCER,
    [subscriberBucket]: DeploymentComponent.CONSUMER,
  };
  const expected = kindOfBucket[bucket];
  if (expected === undefined) {
    throw new InfrastructureInputError(
      PipelineVariable.MANIFEST_BUCKET,
      `${PipelineVariable.MANIFEST_BUCKET} '${bucket}' is not a components bucket of ${environment}`,
    );
  }
  const manifest = parseManifestKey(key);
  if (manifest === undefined || manifest.kind !== expected) {
    throw new InfrastructureInputError(
      PipelineVariable.MANIFEST_KEY,
      `${PipelineVariable.MANIFEST_KEY} '${key}' is not a ${expected} manifest key`,
    );
  }
  if (component !== expected) {
    throw new InfrastructureInputError(
      PipelineVariable.COMPONENT,
      `${PipelineVariable.COMPONENT} must be ${expected} for ${bucket}, got '${component}'`,
    );
  }
  const qualifier = env[EnvVar.CDK_QUALIFIER] || GENERATOR_CDK_QUALIFIER;
  if (!/^[a-z0-9-]{1,10}$/.test(qualifier)) {
    throw new InfrastructureInputError(
      EnvVar.CDK_QUALIFIER,
      `${EnvVar.CDK_QUALIFIER} must be 1-10 characters of a-z, 0-9 and -, got '${qualifier}'`,
    );
  }
  return {
    environment,
    bucket,
    key,
    component: expected,
    manifest,
    qualifier,
    allowedConsumerTargets: env[EnvVar.ALLOWED_CONSUMER_TARGETS] ?? '',
  };
}

/** The `cdk deploy` of one manifest version by its generator (run in `packages/{component}-generator`). */
export function cdkDeployArguments(input: ManifestBuildInput, versionId: string): string[] {
  return [
    'cdk',
    'deploy',
    '--all',
    '--require-approval',
    'never',
    '--no-notices',
    '--no-version-reporting',
    '--progress',
    'events',
    '-c',
    `${GeneratorContext.MANIFEST}=s3://${input.bucket}/${input.key}`,
    '-c',
    `${GeneratorContext.MANIFEST_VERSION}=${versionId}`,
    '-c',
    `${GeneratorContext.ENVIRONMENT}=${input.environment}`,
    // The generators' own bootstrap: its roles deploy with an execution policy limited to what they create.
    '-c',
    `@aws-cdk/core:bootstrapQualifier=${input.qualifier}`,
    '--toolkit-stack-name',
    GENERATOR_CDK_TOOLKIT_STACK,
    ...(input.component === DeploymentComponent.CONSUMER
      ? ['-c', `${GeneratorContext.ALLOWED_CONSUMER_TARGETS}=${input.allowedConsumerTargets}`]
      : []),
  ];
}

export interface ManifestBuildOptions {
  readonly input: ManifestBuildInput;
  /** What the components buckets hold now. */
  readonly manifests: ManifestVersionReader;
  /** Deletes the stack of a manifest that is gone. */
  readonly cloudFormation: CloudFormationClient;
  /** Runs the generator's `cdk deploy` (the CDK CLI with these arguments, `cdk` first); resolves with its exit code. */
  readonly runCdk: (args: readonly string[]) => Promise<number>;
  /** Longest wait for a stack deletion. @default 3600 s */
  readonly deleteTimeoutSeconds?: number;
  readonly log?: (line: string) => void;
}

export type ManifestBuildResult =
  | { readonly outcome: 'deployed'; readonly versionId: string }
  | { readonly outcome: 'destroyed' | 'already-gone'; readonly stackName: string }
  | { readonly outcome: 'ignored' };

/**
 * The build step: decides from what the bucket holds now (core's `reconcileManifest`, as the trigger does) and
 * brings the manifest's stack in line: the current version is deployed by its generator (`-c manifestVersion`),
 * a deleted manifest's stack (delete marker, or no version left) is deleted by name. The decision is made
 * again here because executions queue: by the time a build runs, the key may have changed since the trigger.
 */
export async function runManifestBuild(options: ManifestBuildOptions): Promise<ManifestBuildResult> {
  const { input } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const decision: ReconcileDecision = await reconcileManifest(options.manifests, input.bucket, input.key);
  log(`[1/2] s3://${input.bucket}/${input.key} (${input.environment}): ${describeDecision(decision)}`);
  if (decision.action === 'ignore') return { outcome: 'ignored' };
  if (decision.action === 'deploy') {
    log(`[2/2] cdk deploy by the ${input.component} generator`);
    const code = await options.runCdk(cdkDeployArguments(input, decision.versionId));
    if (code !== 0) throw new Error(`cdk deploy exited with ${code}`);
    return { outcome: 'deployed', versionId: decision.versionId };
  }
  const stackName = manifestStackName(input.environment, input.manifest);
  const { cloudFormation } = options;
  let exists = true;
  try {
    const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    exists = (described.Stacks ?? []).some((stack) => stack.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    if (!/does not exist/.test((error as Error).message ?? '')) throw error;
    exists = false;
  }
  if (!exists) {
    log(`[2/2] stack ${stackName} does not exist: nothing to destroy`);
    return { outcome: 'already-gone', stackName };
  }
  log(`[2/2] deleting stack ${stackName}`);
  await cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
  await waitUntilStackDeleteComplete(
    { client: cloudFormation, maxWaitTime: options.deleteTimeoutSeconds ?? 3600, minDelay: 2, maxDelay: 30 },
    { StackName: stackName },
  );
  log(`stack ${stackName} deleted`);
  return { outcome: 'destroyed', stackName };
}

function describeDecision(decision: ReconcileDecision): string {
  switch (decision.action) {
    case 'deploy':
      return `deploy version ${decision.versionId} (the current version)`;
    case 'destroy':
      return decision.reason === 'delete-marker'
        ? 'destroy (the current version is a delete marker)'
        : 'destroy (the key has no version left)';
    default:
      return 'nothing to do (lifecycle expiration)';
  }
}
