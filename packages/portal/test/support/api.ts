import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { PortalHandler } from '../../src/handlers/runtime';

export interface ApiRequest {
  readonly method: string;
  /** API Gateway resource, e.g. `/events/{event_type}`. */
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** Serialized as JSON unless a string. */
  readonly body?: unknown;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON body (undefined when empty). */
  readonly body: Record<string, unknown> & { readonly items?: Record<string, unknown>[] };
}

/** The API Gateway REST proxy event for a request, as API Gateway (and the local runtime) builds it. */
export function apiEvent(request: ApiRequest): APIGatewayProxyEvent {
  let path = request.resource;
  for (const [name, value] of Object.entries(request.pathParameters ?? {})) {
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  const headers: Record<string, string> = {
    ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...request.headers,
  };
  const query = request.query ?? null;
  return {
    resource: request.resource,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query === null
        ? null
        : Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body:
      request.body === undefined
        ? null
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: { stage: 'test', resourcePath: request.resource, httpMethod: request.method },
  } as unknown as APIGatewayProxyEvent;
}

const context = { functionName: 'portal-test', awsRequestId: 'test' } as unknown as Context;

/** Calls a handler with a request and parses the JSON response. */
export async function call(handler: PortalHandler, request: ApiRequest): Promise<ApiResponse> {
  const result: APIGatewayProxyResult = await handler(apiEvent(request), context);
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body === '' ? {} : (JSON.parse(result.body) as ApiResponse['body']),
  };
}
