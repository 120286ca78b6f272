import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AwsScope, localScope } from '@bridgeport/core';
import { lambdaContexts, type ProxyRoute, RouteTable, toProxyEvent, writeProxyResult } from './api-gateway';

/** API Gateway's own payload limit for REST APIs. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** How long an idle client connection is kept open. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Limits that keep idle or slow clients from starving a server (defaults of `createProxyServer`). */
export const ServerLimit = {
  /** Open connections at most; past it, new connections are closed at once. */
  MAX_CONNECTIONS: 1000,
  /** Time a client has, from connecting (or from its previous request), to send a request's headers. */
  HEADERS_TIMEOUT_MS: 20_000,
  /** Time a client has to send a whole request. */
  REQUEST_TIMEOUT_MS: 60_000,
  /** How often connections are checked against the two timeouts above. */
  CONNECTIONS_CHECKING_INTERVAL_MS: 1000,
} as const;

/** Connection and time limits of a server; every field has a safe default (`ServerLimit`). */
export interface ServerLimits {
  /** @default ServerLimit.MAX_CONNECTIONS */
  readonly maxConnections?: number;
  /** @default ServerLimit.HEADERS_TIMEOUT_MS */
  readonly headersTimeoutMs?: number;
  /** @default ServerLimit.REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** Idle time after which a keep-alive connection is closed. @default KEEP_ALIVE_TIMEOUT_MS */
  readonly keepAliveTimeoutMs?: number;
  /** @default ServerLimit.CONNECTIONS_CHECKING_INTERVAL_MS */
  readonly connectionsCheckingIntervalMs?: number;
}

/** An HTTP server with `limits` applied: idle sockets are closed, and at most `maxConnections` are open. */
export function createLimitedServer(
  limits: ServerLimits,
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): Server {
  const headersTimeout = limits.headersTimeoutMs ?? ServerLimit.HEADERS_TIMEOUT_MS;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, limits.requestTimeoutMs ?? ServerLimit.REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval:
        limits.connectionsCheckingIntervalMs ?? ServerLimit.CONNECTIONS_CHECKING_INTERVAL_MS,
      keepAliveTimeout: limits.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
    },
    listener,
  );
  server.maxConnections = limits.maxConnections ?? ServerLimit.MAX_CONNECTIONS;
  return server;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads a request body, failing once it passes `limit` bytes (the rest of an oversized body is read and dropped). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(`body over ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume();
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    request.once('error', reject);
  });
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** A request the proxy routes do not cover (health checks and the like); return false to fall through. */
export type LocalRoute = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

export interface ProxyServerOptions {
  readonly name: string;
  readonly routes: readonly ProxyRoute[];
  readonly stage: string;
  /** The account and region the API and its functions run in. @default localScope() */
  readonly scope?: AwsScope;
  readonly localRoutes?: readonly LocalRoute[];
  readonly maxBodyBytes?: number;
  readonly log?: (message: string) => void;
  /**
   * The authorizer of every proxy route, as a Cognito user-pool authorizer on API Gateway: the claims of a valid
   * `Authorization` header, or undefined to refuse the request with 401 before the handler runs.
   */
  readonly authorize?: (authorization: string | undefined) => Promise<Record<string, string> | undefined>;
  /** Connection and time limits. @default ServerLimit */
  readonly limits?: ServerLimits;
}

/** An HTTP server that hands each request to its Lambda handler the way an API Gateway REST proxy integration does. */
export function createProxyServer(options: ProxyServerOptions): Server {
  const table = new RouteTable(options.routes);
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const scope = options.scope ?? localScope();
  const contextOf = lambdaContexts(options.name, scope);
  // Node closes idle keep-alive connections after 5 s, racing clients that reuse them (ECONNRESET);
  // keep them as long as a load balancer in front of API Gateway would (KEEP_ALIVE_TIMEOUT_MS by default).
  const server = createLimitedServer(options.limits ?? {}, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`${options.name}: ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) sendJson(response, 502, { message: 'Internal server error' });
      else response.destroy();
    });
  });
  return server;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = requestUrl(request.url);
    if (url === undefined) {
      sendJson(response, 400, { message: 'The request target is not a valid URL path' });
      return;
    }
    for (const local of options.localRoutes ?? []) {
      if (await local(request, response, url)) return;
    }
    const method = request.method ?? 'GET';
    const malformed = malformedEscape(url.pathname);
    if (malformed !== undefined) {
      sendJson(response, 400, {
        message: `The path has a malformed percent escape at "${malformed}"`,
        errors: [{ path: 'path', message: `has a malformed percent escape at "${malformed}"` }],
      });
      return;
    }
    // Served at the root, and also under `/{stage}` as on API Gateway's execute-api URLs, so the `Location`
    // headers handlers derive from the path they were called on can be followed as they are.
    let resourcePath = url.pathname;
    let match = table.match(method, resourcePath);
    const stagePrefix = `/${options.stage}`;
    if (match === undefined && url.pathname.startsWith(`${stagePrefix}/`)) {
      resourcePath = url.pathname.slice(stagePrefix.length);
      match = table.match(method, resourcePath);
    }
    if (match === undefined) {
      sendJson(response, 404, { message: `No route for ${method} ${url.pathname}` });
      return;
    }
    if (match === 'methodNotAllowed') {
      sendJson(response, 405, { message: `${method} is not allowed on ${url.pathname}` });
      return;
    }
    let claims: Record<string, string> | undefined;
    if (options.authorize !== undefined) {
      const header = request.headers.authorization;
      claims = await options.authorize(typeof header === 'string' ? header : undefined);
      if (claims === undefined) {
        request.resume();
        response.setHeader('www-authenticate', 'Bearer');
        sendJson(response, 401, { message: 'Unauthorized' });
        return;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(response, 413, { message: 'Request Too Long' });
        return;
      }
      throw error;
    }
    const event = toProxyEvent({
      method,
      url,
      resourcePath,
      headers: request.headers,
      body,
      match,
      stage: options.stage,
      accountId: scope.account,
      ...(claims === undefined ? {} : { authorizer: { claims } }),
      ...(request.socket.remoteAddress ? { sourceIp: request.socket.remoteAddress } : {}),
    });
    const result = await match.route.handler(event, contextOf());
    writeProxyResult(response, result);
  }
}

/** The request target as a URL: an origin-form path (`//x` is a path, not a host), or an absolute URL. */
export function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://localhost${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

/** The first percent escape of `path` that does not decode (`%E0%A4%A`, `%zz`, a lone byte of UTF-8), if any. */
export function malformedEscape(path: string): string | undefined {
  if (!path.includes('%')) return undefined;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment.slice(0, 64);
    }
  }
  return undefined;
}

/** Listens and resolves with the bound port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
