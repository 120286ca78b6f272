import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { PortalHandler } from '../../src/handlers/runtime';
import { ADMIN_GROUP } from '../../src/services/caller';

/** Who a test request is from: a user, its teams, and whether it is a platform admin. */
export interface TestCaller {
  readonly user?: string;
  readonly teams?: readonly string[];
  readonly admin?: boolean;
}

/** Requests are made by a platform admin unless they say otherwise. */
export const TEST_ADMIN: TestCaller = { user: 'test-admin', teams: [], admin: true };

/** A member of `team` (not an admin). */
export function member(team: string, user = `${team}-member`): TestCaller {
  return { user, teams: [team], admin: false };
}

/**
 * The claims API Gateway's Cognito authorizer puts in `requestContext.authorizer.claims` for this caller:
 * every value a string, `cognito:groups` comma-separated.
 */
export function claimsOf(caller: TestCaller): Record<string, string> {
  const user = caller.user ?? 'test-user';
  const groups = [...(caller.teams ?? []), ...(caller.admin ? [ADMIN_GROUP] : [])];
  return {
    sub: `sub-${user}`,
    'cognito:username': user,
    ...(groups.length > 0 ? { 'cognito:groups': groups.join(',') } : {}),
    token_use: 'id',
  };
}

/** A member of the `orders` team, the application of `orderCreated`. */
export const ORDERS = member('orders', 'olivia');
/** A member of the `parcels` team. */
export const PARCELS = member('parcels', 'pat');

export interface ApiRequest {
  readonly method: string;
  /** API Gateway resource, e.g. `/events/{event_type}`. */
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** Serialized as JSON unless a string. */
  readonly body?: unknown;
  /** Who calls. @default TEST_ADMIN; `null` for an anonymous request (no authorizer claims). */
  readonly as?: TestCaller | null;
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
  const caller = request.as === undefined ? TEST_ADMIN : request.as;
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
    requestContext: {
      stage: 'test',
      resourcePath: request.resource,
      httpMethod: request.method,
      ...(caller === null ? {} : { authorizer: { claims: claimsOf(caller) } }),
    },
  } as unknown as APIGatewayProxyEvent;
}

/** The request id of the Lambda context every call is made with. */
export const TEST_REQUEST_ID = 'c0ffee00-0000-4000-8000-0000000000a1';

const context = { functionName: 'portal-test', awsRequestId: TEST_REQUEST_ID } as unknown as Context;

/** Calls a handler with a request and parses the JSON response. */
export async function call(handler: PortalHandler, request: ApiRequest): Promise<ApiResponse> {
  const result: APIGatewayProxyResult = await handler(apiEvent(request), context);
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body === '' ? {} : (JSON.parse(result.body) as ApiResponse['body']),
  };
}
