import type { IncomingMessage, ServerResponse } from 'node:http';
import { offsetOf, offsetPage } from '../../bus/paginate';
import { AwsServiceError } from '../protocol';
import { type RestJsonAnswer, serveRestJsonRequest } from '../rest-json-protocol';
import type { ApiStage, PatchOperation, ThrottleSettings } from './model';
import type { ApiGatewayStore } from './store';

/** A page of a list in API Gateway's shape: `item` and the next `position`. */
function page<T>(items: readonly T[], query: URLSearchParams): { item: T[]; position?: string } {
  const limit = Number.parseInt(query.get('limit') ?? '', 10);
  const size = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 25;
  const positionText = query.get('position');
  const start = positionText === null ? 0 : offsetOf(positionText);
  if (start === undefined) {
    throw new AwsServiceError('BadRequestException', 'Invalid position parameter', 400);
  }
  const found = offsetPage(items, start, size);
  return found.next === undefined ? { item: found.items } : { item: found.items, position: found.next };
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  return typeof body[field] === 'string' ? (body[field] as string) : undefined;
}

function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name) === 'true';
}

function notFound(method: string, url: URL): AwsServiceError {
  return new AwsServiceError('NotFoundException', `No API Gateway operation ${method} ${url.pathname}.`, 404);
}

/**
 * The API Gateway operations the portal uses for producer keys (REST JSON, as `@aws-sdk/client-api-gateway`
 * sends them): CreateApiKey, GetApiKey, GetApiKeys, DeleteApiKey, CreateUsagePlan, GetUsagePlan,
 * GetUsagePlans, UpdateUsagePlan, DeleteUsagePlan, CreateUsagePlanKey, GetUsagePlanKeys, DeleteUsagePlanKey.
 */
async function route(
  store: ApiGatewayStore,
  method: string,
  url: URL,
  body: Record<string, unknown>,
): Promise<RestJsonAnswer> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const query = url.searchParams;
  if (parts[0] === 'apikeys') {
    if (parts.length === 1 && method === 'POST') {
      return {
        status: 201,
        body: await store.createApiKey({
          name: text(body, 'name'),
          description: text(body, 'description'),
          enabled: body.enabled === true,
          value: text(body, 'value'),
          tags: body.tags as Record<string, string> | undefined,
        }),
      };
    }
    if (parts.length === 1 && method === 'GET') {
      const keys = store.getApiKeys(query.get('name') ?? undefined, flag(query, 'includeValues'));
      return { status: 200, body: page(keys, query) };
    }
    if (parts.length === 2 && method === 'GET') {
      return { status: 200, body: store.getApiKey(parts[1] as string, flag(query, 'includeValue')) };
    }
    if (parts.length === 2 && method === 'DELETE') {
      await store.deleteApiKey(parts[1] as string);
      return { status: 202 };
    }
  }
  if (parts[0] === 'usageplans') {
    if (parts.length === 1 && method === 'POST') {
      return {
        status: 201,
        body: await store.createUsagePlan({
          name: text(body, 'name'),
          description: text(body, 'description'),
          apiStages: body.apiStages as ApiStage[] | undefined,
          throttle: body.throttle as ThrottleSettings | undefined,
          quota: body.quota as Record<string, unknown> | undefined,
          tags: body.tags as Record<string, string> | undefined,
        }),
      };
    }
    if (parts.length === 1 && method === 'GET') {
      return { status: 200, body: page(store.getUsagePlans(query.get('keyId') ?? undefined), query) };
    }
    const planId = parts[1] as string;
    if (parts.length === 2) {
      switch (method) {
        case 'GET':
          return { status: 200, body: store.getUsagePlan(planId) };
        case 'PATCH':
          return {
            status: 200,
            body: await store.updateUsagePlan(
              planId,
              Array.isArray(body.patchOperations) ? (body.patchOperations as PatchOperation[]) : [],
            ),
          };
        case 'DELETE':
          await store.deleteUsagePlan(planId);
          return { status: 202 };
        default:
          break;
      }
    }
    if (parts[2] === 'keys') {
      if (parts.length === 3 && method === 'POST') {
        return {
          status: 201,
          body: await store.createUsagePlanKey(
            planId,
            text(body, 'keyId') ?? '',
            text(body, 'keyType') ?? '',
          ),
        };
      }
      if (parts.length === 3 && method === 'GET') {
        return { status: 200, body: page(store.getUsagePlanKeys(planId), query) };
      }
      if (parts.length === 4 && method === 'DELETE') {
        await store.deleteUsagePlanKey(planId, parts[3] as string);
        return { status: 202 };
      }
    }
  }
  throw notFound(method, url);
}

/** Serves one API Gateway (REST JSON) request. Errors answer `{message}` with `x-amzn-ErrorType`. */
export function handleApiGatewayRequest(
  store: ApiGatewayStore,
  request: IncomingMessage,
  response: ServerResponse,
  options: { maxBodyBytes: number; onInternalError?: (error: unknown) => void },
): Promise<void> {
  return serveRestJsonRequest(
    {
      route: (method, url, body) => route(store, method, url, body),
      errorBody: (error) => ({ message: error.message }),
    },
    request,
    response,
    options,
  );
}
