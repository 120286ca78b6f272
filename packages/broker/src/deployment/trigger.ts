import { type CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  DependencyFailureError,
  type DeploymentAction,
  DeploymentComponent,
  IgnoreReason,
  isLifecycleChange,
  type ManifestKey,
  type ManifestVersionReader,
  PipelineVariable,
  parseManifestKey,
  reconcileManifest,
} from '@bridgeport/core';
import type { Logger } from '@bridgeport/edge';
import { brokerLogger } from '../logger';

/** EventBridge detail types of the S3 events the trigger acts on (bucket EventBridge notifications). */
export const S3EventDetailType = {
  OBJECT_CREATED: 'Object Created',
  OBJECT_DELETED: 'Object Deleted',
} as const;
export type S3EventDetailType = (typeof S3EventDetailType)[keyof typeof S3EventDetailType];

/** The parts of an S3 event delivered by EventBridge that the trigger reads. */
export interface S3ObjectEvent {
  readonly id?: string;
  readonly 'detail-type': string;
  readonly detail: {
    readonly bucket?: { readonly name?: string };
    readonly object?: { readonly key?: string; readonly 'version-id'?: string };
    /** `PutObject`, `DeleteObject`, `Lifecycle Expiration`… */
    readonly reason?: string;
    readonly 'deletion-type'?: string;
  };
}

/** The manifest an S3 event is about: where it is, which generator renders it, and why S3 reported it. */
export interface ManifestEventTarget {
  readonly bucket: string;
  readonly key: string;
  readonly component: DeploymentComponent;
  readonly manifest: ManifestKey;
  /** S3's `reason` for the change. */
  readonly reason?: string;
}

/** One pipeline execution to start: a manifest and what to do with its stack. */
export interface DeploymentRequest extends Omit<ManifestEventTarget, 'reason'> {
  readonly action: DeploymentAction;
  /** The version to deploy (deployments only): the key's current version when the trigger looked. */
  readonly versionId?: string;
}

/** Why an S3 event starts no deployment. */
export type IgnoredReason =
  | 'not-an-object-event'
  | 'unknown-bucket'
  | 'not-a-manifest'
  | 'manifest-in-the-wrong-bucket'
  | typeof IgnoreReason.LIFECYCLE_EXPIRATION;

export type ManifestEventDecision =
  | { readonly start: true; readonly target: ManifestEventTarget }
  | {
      readonly start: false;
      readonly reason: IgnoredReason;
      readonly bucket?: string;
      readonly key?: string;
    };

export interface ManifestBuckets {
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
}

function isDetailType(value: string): value is S3EventDetailType {
  return Object.values<string>(S3EventDetailType).includes(value);
}

/** S3 may URL-encode keys in notifications (`+` for a space); a key that is not valid encoding is kept. */
function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/**
 * Which manifest an S3 object event is about. The event says only "look at this key": what to do with the stack
 * is decided from the bucket (`reconcileManifest`). Anything else (another object, another bucket, a producer
 * key in the subscriber bucket…) is ignored with the reason; so is a lifecycle expiration, which never changes a
 * key's current version.
 */
export function locateManifest(event: S3ObjectEvent, buckets: ManifestBuckets): ManifestEventDecision {
  const detailType = event['detail-type'];
  const bucket = event.detail?.bucket?.name;
  const rawKey = event.detail?.object?.key;
  if (!isDetailType(detailType) || bucket === undefined || rawKey === undefined) {
    return { start: false, reason: 'not-an-object-event', bucket, key: rawKey };
  }
  const key = decodeKey(rawKey);
  const expected: Readonly<Record<string, DeploymentComponent>> = {
    [buckets.publisherBucket]: DeploymentComponent.PRODUCER,
    [buckets.subscriberBucket]: DeploymentComponent.CONSUMER,
  };
  const component = expected[bucket];
  if (component === undefined) return { start: false, reason: 'unknown-bucket', bucket, key };
  const manifest = parseManifestKey(key);
  if (manifest === undefined) return { start: false, reason: 'not-a-manifest', bucket, key };
  if (manifest.kind !== component) {
    return { start: false, reason: 'manifest-in-the-wrong-bucket', bucket, key };
  }
  if (isLifecycleChange({ reason: event.detail.reason })) {
    return { start: false, reason: IgnoreReason.LIFECYCLE_EXPIRATION, bucket, key };
  }
  return {
    start: true,
    target: {
      bucket,
      key,
      component,
      manifest,
      ...(event.detail.reason !== undefined ? { reason: event.detail.reason } : {}),
    },
  };
}

/** The pipeline variables of one execution, named by core's `PipelineVariable`. */
export function pipelineVariables(request: DeploymentRequest): { name: PipelineVariable; value: string }[] {
  return [
    { name: PipelineVariable.MANIFEST_BUCKET, value: request.bucket },
    { name: PipelineVariable.MANIFEST_KEY, value: request.key },
    { name: PipelineVariable.ACTION, value: request.action },
    { name: PipelineVariable.COMPONENT, value: request.component },
    // CodePipeline refuses an empty variable value.
    { name: PipelineVariable.MANIFEST_VERSION_ID, value: request.versionId ?? 'none' },
  ];
}

/** `clientRequestToken` from the event id: a retried delivery of one event starts one execution only. */
function requestToken(eventId: string | undefined): string | undefined {
  if (eventId === undefined) return undefined;
  const token = eventId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
  return token === '' ? undefined : token;
}

export interface DeploymentTriggerOptions extends ManifestBuckets {
  readonly pipelineName: string;
  readonly codePipeline: CodePipelineClient;
  /** What the components buckets hold now (`s3ManifestVersions`). */
  readonly manifests: ManifestVersionReader;
  /** @default brokerLogger */
  readonly logger?: Logger;
}

export type DeploymentTriggerResult =
  | { readonly started: true; readonly executionId: string; readonly request: DeploymentRequest }
  | { readonly started: false; readonly reason: IgnoredReason };

export interface DeploymentTrigger {
  handle(event: S3ObjectEvent): Promise<DeploymentTriggerResult>;
}

/**
 * The deployment trigger: for every manifest event of a components bucket, decides from what the bucket holds
 * now (core's `reconcileManifest`: current object → deploy that version, delete marker or nothing → destroy,
 * lifecycle expiration → nothing) and starts the deployment pipeline with the manifest's location, the action,
 * the version and the generator as pipeline variables. A failure to read the bucket or to start is raised as
 * `DependencyFailureError`, so the event is retried (and dead-lettered after the retries).
 */
export function createDeploymentTrigger(options: DeploymentTriggerOptions): DeploymentTrigger {
  const logger = options.logger ?? brokerLogger;
  return {
    async handle(event) {
      const decision = locateManifest(event, options);
      if (!decision.start) {
        logger.info('Ignoring S3 event', {
          reason: decision.reason,
          bucket: decision.bucket,
          key: decision.key,
        });
        return { started: false, reason: decision.reason };
      }
      const { target } = decision;
      let request: DeploymentRequest;
      try {
        const { reason: _reason, ...located } = target;
        const reconciled = await reconcileManifest(options.manifests, target.bucket, target.key, target);
        if (reconciled.action === 'ignore') return { started: false, reason: reconciled.reason };
        request = {
          ...located,
          action: reconciled.action,
          ...(reconciled.action === 'deploy' ? { versionId: reconciled.versionId } : {}),
        };
      } catch (error) {
        logger.error('Cannot read the manifest versions', {
          bucket: target.bucket,
          key: target.key,
          error,
        });
        throw new DependencyFailureError('Reading the manifest versions', error);
      }
      try {
        const result = await options.codePipeline.send(
          new StartPipelineExecutionCommand({
            name: options.pipelineName,
            variables: pipelineVariables(request),
            clientRequestToken: requestToken(event.id),
          }),
        );
        const executionId = result.pipelineExecutionId ?? '';
        logger.info('Started deployment', {
          pipeline: options.pipelineName,
          executionId,
          action: request.action,
          bucket: request.bucket,
          key: request.key,
          versionId: request.versionId,
          s3Reason: target.reason,
        });
        return { started: true, executionId, request };
      } catch (error) {
        logger.error('Cannot start deployment', {
          pipeline: options.pipelineName,
          bucket: request.bucket,
          key: request.key,
          error,
        });
        throw new DependencyFailureError('Starting the deployment pipeline', error);
      }
    },
  };
}
