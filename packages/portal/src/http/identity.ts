import { UnauthorizedError } from '@bridgeport/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ADMIN_GROUP, type Caller } from '../services/caller';

/** The Lambda context of a portal handler once the identity middleware has run. */
export interface IdentifiedContext extends Context {
  readonly caller: Caller;
}

/**
 * The groups of a `cognito:groups` claim. API Gateway's REST Cognito authorizer hands every claim over as a
 * string (`"parcels,platform-admins"`; HTTP APIs write `"[parcels platform-admins]"`); an array is read as is.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'string') return [];
  const inner = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(/[\s,]+/)
    .map((group) => group.trim())
    .filter((group) => group !== '');
}

/**
 * The caller named by the claims an authorizer put in `requestContext.authorizer.claims` (a Cognito user pool
 * in AWS, the local runtime's token check on a laptop). Throws `UnauthorizedError` (401) when there are none or
 * they name no user: a route is never served to an anonymous caller, even if the authorizer were missing.
 */
export function callerFromEvent(event: APIGatewayProxyEvent): Caller {
  const authorizer = event.requestContext?.authorizer as { claims?: unknown } | null | undefined;
  const claims = authorizer?.claims;
  if (typeof claims !== 'object' || claims === null) {
    throw new UnauthorizedError('A bearer token is required (Authorization: Bearer <token>)');
  }
  const record = claims as Record<string, unknown>;
  const user = [record['cognito:username'], record.username, record.sub].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (user === undefined) throw new UnauthorizedError('The token names no user');
  const groups = parseGroups(record['cognito:groups']);
  return {
    user,
    teams: [...new Set(groups.filter((group) => group !== ADMIN_GROUP))],
    admin: groups.includes(ADMIN_GROUP),
  };
}

/** The one identity middleware of the portal's Lambdas: puts the caller on the context (`context.caller`). */
export function identityMiddleware(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'bridgeportIdentity',
    before: (request) => {
      Object.assign(request.context, { caller: callerFromEvent(request.event) });
    },
  };
}
