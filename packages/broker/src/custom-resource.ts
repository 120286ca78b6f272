import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ensureResource } from './api-resources';
import { describeError, jsonLogger, type Logger } from './logger';

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

function stringProperty(event: CloudFormationCustomResourceEvent, name: string): string {
  const value: unknown = event.ResourceProperties[name];
  if (typeof value !== 'string' || value === '')
    throw new Error(`Property ${name} must be a non-empty string`);
  return value;
}

export interface SharedApiResourceOptions {
  readonly apiGateway: APIGatewayClient;
  /** @default jsonLogger */
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
  const logger = options.logger ?? jsonLogger;
  const base = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  if (event.RequestType === 'Delete') {
    return { ...base, Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId };
  }
  try {
    const id = await ensureResource(options.apiGateway, {
      restApiId: stringProperty(event, SharedApiResourceProperty.REST_API_ID),
      parentId: stringProperty(event, SharedApiResourceProperty.PARENT_ID),
      pathPart: stringProperty(event, SharedApiResourceProperty.PATH_PART),
    });
    return {
      ...base,
      Status: 'SUCCESS',
      PhysicalResourceId: id,
      Data: { [SHARED_API_RESOURCE_ID_ATTRIBUTE]: id },
    };
  } catch (error) {
    logger.error('Ensuring the shared API resource failed', describeError(error));
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      Status: 'FAILED',
      Reason: `Ensuring the shared API resource failed: ${reason}`,
      PhysicalResourceId:
        event.RequestType === 'Update' ? event.PhysicalResourceId : `failed-${event.RequestId}`,
    };
  }
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
