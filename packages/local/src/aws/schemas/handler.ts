import type { IncomingMessage, ServerResponse } from 'node:http';
import { offsetOf, offsetPage } from '../../bus/paginate';
import { AwsServiceError } from '../protocol';
import { type RestJsonAnswer, serveRestJsonRequest } from '../rest-json-protocol';
import type { SchemaRegistryStore } from './registry';

/** Renames `Tags` to the wire name `tags` (the only member of these shapes with a JSON name). */
function wire<T extends { Tags?: unknown }>(value: T): Omit<T, 'Tags'> & { tags?: unknown } {
  const { Tags, ...rest } = value;
  return Tags === undefined ? rest : { ...rest, tags: Tags };
}

/** A page of a list in the Schemas API's shape (a token that holds no offset starts from the first item). */
function page<T>(items: T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const limit = Number.parseInt(query.get('limit') ?? '', 10);
  const size = Number.isInteger(limit) && limit > 0 ? limit : 100;
  const found = offsetPage(items, offsetOf(query.get('nextToken') ?? '') ?? 0, size);
  return found.next === undefined ? { items: found.items } : { items: found.items, NextToken: found.next };
}

async function route(
  store: SchemaRegistryStore,
  method: string,
  url: URL,
  body: Record<string, unknown>,
): Promise<RestJsonAnswer> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const text = (field: string): string | undefined =>
    typeof body[field] === 'string' ? (body[field] as string) : undefined;
  const tags = (body.tags ?? body.Tags) as Record<string, string> | undefined;
  if (parts[0] !== 'v1' || parts[1] !== 'registries') throw notFound(url);
  if (parts.length === 2 && method === 'GET') {
    const listed = page(
      store.listRegistries(url.searchParams.get('registryNamePrefix') ?? undefined).map(wire),
      url.searchParams,
    );
    return {
      status: 200,
      body: { Registries: listed.items, ...(listed.NextToken ? { NextToken: listed.NextToken } : {}) },
    };
  }
  if (parts[2] !== 'name' || parts.length < 4) throw notFound(url);
  const registryName = parts[3];
  if (parts.length === 4) {
    switch (method) {
      case 'POST':
        return {
          status: 201,
          body: wire(
            await store.createRegistry(registryName, { Description: text('Description'), Tags: tags }),
          ),
        };
      case 'GET':
        return { status: 200, body: wire(store.describeRegistry(registryName)) };
      case 'PUT':
        return {
          status: 200,
          body: wire(await store.updateRegistry(registryName, { Description: text('Description') })),
        };
      case 'DELETE':
        await store.deleteRegistry(registryName);
        return { status: 204 };
      default:
        throw notFound(url);
    }
  }
  if (parts[4] !== 'schemas') throw notFound(url);
  if (parts.length === 5 && method === 'GET') {
    const listed = page(
      store.listSchemas(registryName, url.searchParams.get('schemaNamePrefix') ?? undefined).map(wire),
      url.searchParams,
    );
    return {
      status: 200,
      body: { Schemas: listed.items, ...(listed.NextToken ? { NextToken: listed.NextToken } : {}) },
    };
  }
  if (parts[5] !== 'name' || parts.length < 7) throw notFound(url);
  const schemaName = parts[6];
  if (parts.length === 7) {
    switch (method) {
      case 'POST':
        return {
          status: 201,
          body: omitContent(
            wire(
              await store.createSchema(registryName, schemaName, {
                Content: text('Content'),
                Type: text('Type'),
                Description: text('Description'),
                Tags: tags,
              }),
            ),
          ),
        };
      case 'PUT':
        return {
          status: 200,
          body: omitContent(
            wire(
              await store.updateSchema(registryName, schemaName, {
                Content: text('Content'),
                Type: text('Type'),
                Description: text('Description'),
              }),
            ),
          ),
        };
      case 'GET':
        return {
          status: 200,
          body: wire(
            store.describeSchema(
              registryName,
              schemaName,
              url.searchParams.get('schemaVersion') ?? undefined,
            ),
          ),
        };
      case 'DELETE':
        await store.deleteSchema(registryName, schemaName);
        return { status: 204 };
      default:
        throw notFound(url);
    }
  }
  if (parts.length === 8 && parts[7] === 'versions' && method === 'GET') {
    const listed = page(store.listSchemaVersions(registryName, schemaName), url.searchParams);
    return {
      status: 200,
      body: { SchemaVersions: listed.items, ...(listed.NextToken ? { NextToken: listed.NextToken } : {}) },
    };
  }
  if (parts.length === 9 && parts[7] === 'version' && method === 'DELETE') {
    await store.deleteSchemaVersion(registryName, schemaName, parts[8]);
    return { status: 204 };
  }
  throw notFound(url);
}

function omitContent<T extends { Content?: unknown }>(value: T): Omit<T, 'Content'> {
  const { Content: _content, ...rest } = value;
  return rest;
}

function notFound(url: URL): AwsServiceError {
  return new AwsServiceError('NotFoundException', `No Schemas operation at ${url.pathname}.`, 404);
}

/** Serves one Schemas (REST JSON) request. Errors answer `{Code, Message}` with `x-amzn-ErrorType`. */
export function handleSchemasRequest(
  store: SchemaRegistryStore,
  request: IncomingMessage,
  response: ServerResponse,
  options: { maxBodyBytes: number; onInternalError?: (error: unknown) => void },
): Promise<void> {
  return serveRestJsonRequest(
    {
      route: (method, url, body) => route(store, method, url, body),
      errorBody: (error) => ({ Code: error.code, Message: error.message }),
    },
    request,
    response,
    options,
  );
}
