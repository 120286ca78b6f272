import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AwsScope, LOCAL_ACCOUNT_ID, localScope, scopedArn } from '@bridgeport/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** A Lambda handler behind an API Gateway REST proxy integration. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** One API Gateway resource + method, served by a handler. */
export interface ProxyRoute {
  readonly method: string;
  /** API Gateway resource path, e.g. `/events/{event_type}`. */
  readonly resource: string;
  readonly handler: ProxyHandler;
}

interface CompiledRoute extends ProxyRoute {
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

export interface RouteMatch {
  readonly route: ProxyRoute;
  readonly pathParameters: Record<string, string> | null;
}

/** Matches request paths against API Gateway resource templates, literal segments before parameters. */
export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly ProxyRoute[]) {
    this.routes = routes
      .map((route) => {
        const parameterNames: string[] = [];
        const source = route.resource
          .split('/')
          .map((segment) => {
            const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
            if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            parameterNames.push(parameter[1] as string);
            return parameter[2] ? '(.+)' : '([^/]+)';
          })
          .join('/');
        return { ...route, pattern: new RegExp(`^${source}/?$`), parameterNames };
      })
      // Literal segments win over parameters, as in API Gateway.
      .sort((a, b) => a.parameterNames.length - b.parameterNames.length);
  }

  /** The route for this method and path; `methodNotAllowed` when only the path is known. */
  match(method: string, path: string): RouteMatch | 'methodNotAllowed' | undefined {
    let pathKnown = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathKnown = true;
      if (route.method !== method && route.method !== 'ANY') continue;
      const pathParameters: Record<string, string> = {};
      route.parameterNames.forEach((name, index) => {
        pathParameters[name] = decodeURIComponent(found[index + 1] as string);
      });
      return { route, pathParameters: route.parameterNames.length > 0 ? pathParameters : null };
    }
    return pathKnown ? 'methodNotAllowed' : undefined;
  }
}

export interface ProxyEventInput {
  readonly method: string;
  /** The URL as requested, possibly under `/{stage}`. */
  readonly url: URL;
  /** The path below the stage, as API Gateway gives it in `path`. @default url.pathname */
  readonly resourcePath?: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly match: RouteMatch;
  readonly stage: string;
  /** @default LOCAL_ACCOUNT_ID */
  readonly accountId?: string;
  readonly sourceIp?: string;
  /** What an authorizer found: a user pool's claims go in `requestContext.authorizer.claims`. */
  readonly authorizer?: { readonly claims: Record<string, string> };
}

const textContentType = /^(application\/([\w.+-]*\+)?json|text\/|application\/(x-www-form-urlencoded|xml))/i;

/** Builds the REST API proxy event API Gateway would send for this request. */
export function toProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const requestHeaders = input.headers;
  for (const name of Object.keys(requestHeaders)) {
    const value = requestHeaders[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      headers[name] = value.join(',');
      multiValueHeaders[name] = value;
    } else {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  let hasQuery = false;
  // `searchParams` is made on first use: a request without a query string does without it.
  if (input.url.search !== '') {
    for (const [name, value] of input.url.searchParams) {
      query[name] = value;
      const values = multiValueQuery[name];
      if (values === undefined) multiValueQuery[name] = [value];
      else values.push(value);
      hasQuery = true;
    }
  }
  const contentType = headers['content-type'] ?? '';
  const isText = input.body.length === 0 || contentType === '' || textContentType.test(contentType);
  const requestId = randomUUID();
  const now = new Date();
  return {
    resource: input.match.route.resource,
    path: input.resourcePath ?? input.url.pathname,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: input.match.pathParameters,
    stageVariables: null,
    body: input.body.length === 0 ? null : input.body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: !isText,
    requestContext: {
      accountId: input.accountId ?? LOCAL_ACCOUNT_ID,
      apiId: 'local',
      authorizer: input.authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: input.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
      // What the caller requested: API Gateway's execute-api URLs put the stage before the resource path.
      path: input.url.pathname,
      stage: input.stage,
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: input.match.route.resource,
    },
  };
}

/**
 * Makes the Lambda context of each in-process invocation of one function: what every invocation shares (its ARN,
 * log group) is worked out once.
 */
export function lambdaContexts(
  functionName: string,
  scope: AwsScope = localScope(),
  timeoutMs = 30_000,
): () => Context {
  const invokedFunctionArn = scopedArn(scope, 'lambda', `function:${functionName}`);
  const logGroupName = `/aws/lambda/${functionName}`;
  const nothing = (): undefined => undefined;
  return () => {
    const deadline = Date.now() + timeoutMs;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: nothing,
      fail: nothing,
      succeed: nothing,
    };
  };
}

/** Writes a proxy result as the HTTP response API Gateway would send. */
export function writeProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  const single = result.headers;
  if (single !== undefined) for (const name of Object.keys(single)) headers[name] = String(single[name]);
  const multi = result.multiValueHeaders;
  if (multi !== undefined) {
    for (const name of Object.keys(multi)) headers[name] = (multi[name] ?? []).map((value) => String(value));
  }
  if (!result.body) {
    headers['content-length'] = '0';
    response.writeHead(result.statusCode, headers);
    response.end();
  } else if (result.isBase64Encoded) {
    const body = Buffer.from(result.body, 'base64');
    headers['content-length'] = String(body.length);
    response.writeHead(result.statusCode, headers);
    response.end(body);
  } else {
    headers['content-length'] = String(Buffer.byteLength(result.body));
    response.writeHead(result.statusCode, headers);
    response.end(result.body, 'utf8');
  }
}
