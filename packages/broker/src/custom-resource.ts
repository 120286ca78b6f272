import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { Logger } from '@bridgeport/edge';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ensureResource, type RedeployStageOptions, redeployStage } from './api-resources';
import { brokerLogger } from './logger';

/** Resource type of the shared API path part custom resource. */
export const SHARED_API_RESOURCE_TYPE = 'Custom::BridgeportSharedApiResource';

/** Properties of that custom resource. */
export const SharedApiResourceProperty = {
  REST_API_ID: 'RestApiId',
  PARENT_ID: 'ParentId',
  PATH_PART: 'PathPart',
} as const;

/** Attribute holding the resource id. */
export const SHARED_API_RESOURCE_ID_ATTRIBUTE = 'ResourceId';

/** The answer CloudFormation expects at a custom resource's `ResponseURL`. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

/** A required, non-empty string property of a custom resource event. */
export function stringProperty(event: CloudFormationCustomResourceEvent, name: string): string {
  const value: unknown = event.ResourceProperties[name];
  if (typeof value !== 'string' || value === '')
    throw new Error(`Property ${name} must be a non-empty string`);
  return value;
}

/** A successful answer to `event`. */
export function succeeded(
  event: CloudFormationCustomResourceEvent,
  physicalResourceId: string,
  data?: Record<string, string>,
): CustomResourceResponse {
  return {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Status: 'SUCCESS',
    PhysicalResourceId: physicalResourceId,
    ...(data === undefined ? {} : { Data: data }),
  };
}

/**
 * A failed answer to `event`, logged with its cause; the reason names the step. A failed Create gets a
 * `failed-…` physical id (its later Delete has nothing to undo); Update and Delete keep theirs.
 */
export function failed(
  event: CloudFormationCustomResourceEvent,
  step: string,
  error: unknown,
  logger: Logger,
): CustomResourceResponse {
  logger.error(`${step} failed`, { error });
  const reason = error instanceof Error ? error.message : String(error);
  return {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Status: 'FAILED',
    Reason: `${step} failed: ${reason}`,
    PhysicalResourceId: event.RequestType === 'Create' ? failedPhysicalId(event) : event.PhysicalResourceId,
  };
}

function failedPhysicalId(event: CloudFormationCustomResourceEvent): string {
  return `failed-${event.RequestId}`;
}

/** True for the physical id of a resource whose Create failed. */
export function isFailedCreate(physicalResourceId: string): boolean {
  return physicalResourceId.startsWith('failed-');
}

export interface SharedApiResourceOptions {
  readonly apiGateway: APIGatewayClient;
  /** @default brokerLogger */
  readonly logger?: Logger;
}

/**
 * Handles the shared API path part custom resource. Create and Update find or create the resource and
 * return its id; Delete leaves it in place, since other producer stacks may use it (an empty resource
 * without methods answers like a missing one).
 */
export async function handleSharedApiResourceEvent(
  event: CloudFormationCustomResourceEvent,
  options: SharedApiResourceOptions,
): Promise<CustomResourceResponse> {
  const logger = options.logger ?? brokerLogger;
  if (event.RequestType === 'Delete') return succeeded(event, event.PhysicalResourceId);
  try {
    const id = await ensureResource(options.apiGateway, {
      restApiId: stringProperty(event, SharedApiResourceProperty.REST_API_ID),
      parentId: stringProperty(event, SharedApiResourceProperty.PARENT_ID),
      pathPart: stringProperty(event, SharedApiResourceProperty.PATH_PART),
    });
    return succeeded(event, id, { [SHARED_API_RESOURCE_ID_ATTRIBUTE]: id });
  } catch (error) {
    return failed(event, 'Ensuring the shared API resource', error, logger);
  }
}

/** Resource type of the custom resource that takes a route out of the live stage when its stack is deleted. */
export const STAGE_REDEPLOYMENT_TYPE = 'Custom::BridgeportStageRedeployment';

/** Properties of that custom resource. */
export const StageRedeploymentProperty = {
  REST_API_ID: 'RestApiId',
  STAGE_NAME: 'StageName',
  /** What is removed, for the new deployment's description (e.g. `POST /parcel_registered/1`). */
  ROUTE: 'Route',
} as const;

export interface StageRedeploymentOptions extends SharedApiResourceOptions {
  /** Retries and waits of the redeployment. @default redeployStage's defaults */
  readonly redeploy?: Omit<RedeployStageOptions, 'description'>;
}

/**
 * Handles the stage redeployment custom resource of an HTTP producer stack. Create and Update do nothing:
 * the stack's own deployment publishes the route. Delete creates a new deployment of the stage, so the
 * route stops being served. The route's method depends on this resource, so CloudFormation deletes the
 * method (and its resource) first and the new deployment no longer holds the route. A missing API or stage
 * leaves nothing to redeploy.
 */
export async function handleStageRedeploymentEvent(
  event: CloudFormationCustomResourceEvent,
  options: StageRedeploymentOptions,
): Promise<CustomResourceResponse> {
  const logger = options.logger ?? brokerLogger;
  try {
    const restApiId = stringProperty(event, StageRedeploymentProperty.REST_API_ID);
    const stageName = stringProperty(event, StageRedeploymentProperty.STAGE_NAME);
    const route = stringProperty(event, StageRedeploymentProperty.ROUTE);
    const physicalId = `${restApiId}/${stageName}/${route}`;
    if (event.RequestType !== 'Delete') return succeeded(event, physicalId);
    if (isFailedCreate(event.PhysicalResourceId)) return succeeded(event, event.PhysicalResourceId);
    const deploymentId = await redeployStage(
      options.apiGateway,
      { restApiId, stageName },
      { ...options.redeploy, description: `${route} removed` },
    );
    logger.info(
      deploymentId === undefined
        ? 'The API or stage no longer exists; nothing to redeploy'
        : 'Redeployed the stage without the removed route',
      { restApiId, stageName, route, deploymentId },
    );
    return succeeded(event, event.PhysicalResourceId);
  } catch (error) {
    return failed(event, 'Redeploying the stage', error, logger);
  }
}

/** Handles either custom resource of the broker API (shared path part or stage redeployment), by its type. */
export function handleApiResourceEvent(
  event: CloudFormationCustomResourceEvent,
  options: StageRedeploymentOptions,
): Promise<CustomResourceResponse> {
  if (event.ResourceType === STAGE_REDEPLOYMENT_TYPE) return handleStageRedeploymentEvent(event, options);
  return handleSharedApiResourceEvent(event, options);
}

/** Sends the answer to CloudFormation's pre-signed `ResponseURL`. */
export async function sendCustomResourceResponse(
  responseUrl: string,
  response: CustomResourceResponse,
): Promise<void> {
  const body = JSON.stringify(response);
  const result = await fetch(responseUrl, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!result.ok) throw new Error(`CloudFormation refused the response: HTTP ${result.status}`);
}
