import { type CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  DependencyFailureError,
  DeploymentAction,
  DeploymentComponent,
  type ManifestKey,
  PipelineVariable,
  parseManifestKey,
} from '@bridgeport/core';
import { describeError, jsonLogger, type Logger } from '../logger';

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
    readonly object?: { readonly key?: string };
  };
}

/** One pipeline execution to start: a manifest and what to do with its stack. */
export interface DeploymentRequest {
  readonly bucket: string;
  readonly key: string;
  readonly action: DeploymentAction;
  readonly component: DeploymentComponent;
  readonly manifest: ManifestKey;
}

/** Why an S3 event starts no deployment. */
export type IgnoredReason =
  | 'not-an-object-event'
  | 'unknown-bucket'
  | 'not-a-manifest'
  | 'manifest-in-the-wrong-bucket';

export type DeploymentDecision =
  | { readonly start: true; readonly request: DeploymentRequest }
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

const ACTION_OF: Readonly<Record<S3EventDetailType, DeploymentAction>> = {
  [S3EventDetailType.OBJECT_CREATED]: DeploymentAction.DEPLOY,
  [S3EventDetailType.OBJECT_DELETED]: DeploymentAction.DESTROY,
};

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
 * Decides what an S3 object event means for the pipeline: a created manifest is deployed, a deleted one is
 * destroyed; anything else (another object, another bucket, a producer key in the subscriber bucket…) is
 * ignored with the reason.
 */
export function decideDeployment(event: S3ObjectEvent, buckets: ManifestBuckets): DeploymentDecision {
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
  return {
    start: true,
    request: { bucket, key, action: ACTION_OF[detailType], component, manifest },
  };
}

/** The pipeline variables of one execution, named by core's `PipelineVariable`. */
export function pipelineVariables(request: DeploymentRequest): { name: PipelineVariable; value: string }[] {
  return [
    { name: PipelineVariable.MANIFEST_BUCKET, value: request.bucket },
    { name: PipelineVariable.MANIFEST_KEY, value: request.key },
    { name: PipelineVariable.ACTION, value: request.action },
    { name: PipelineVariable.COMPONENT, value: request.component },
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
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type DeploymentTriggerResult =
  | { readonly started: true; readonly executionId: string; readonly request: DeploymentRequest }
  | { readonly started: false; readonly reason: IgnoredReason };

export interface DeploymentTrigger {
  handle(event: S3ObjectEvent): Promise<DeploymentTriggerResult>;
}

/**
 * The deployment trigger: for every manifest created or deleted in a components bucket, starts the deployment
 * pipeline with the manifest's location, the action and the generator as pipeline variables. A failure to
 * start is raised as `DependencyFailureError`, so the event is retried (and dead-lettered after the retries).
 */
export function createDeploymentTrigger(options: DeploymentTriggerOptions): DeploymentTrigger {
  const logger = options.logger ?? jsonLogger;
  return {
    async handle(event) {
      const decision = decideDeployment(event, options);
      if (!decision.start) {
        logger.info('Ignoring S3 event', {
          reason: decision.reason,
          bucket: decision.bucket,
          key: decision.key,
        });
        return { started: false, reason: decision.reason };
      }
      const { request } = decision;
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
        });
        return { started: true, executionId, request };
      } catch (error) {
        logger.error('Cannot start deployment', {
          pipeline: options.pipelineName,
          bucket: request.bucket,
          key: request.key,
          ...describeError(error),
        });
        throw new DependencyFailureError('Starting the deployment pipeline', error);
      }
    },
  };
}
