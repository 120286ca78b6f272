import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeOptions } from '../../src/options';

/** One request a test consumer received. */
export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** A consumer endpoint on loopback: records every request and answers with scripted status codes. */
export interface Sink {
  readonly port: number;
  readonly received: Received[];
  /** `https://127.0.0.1:{port}{path}`: what a subscription names (called over plain http locally). */
  url(path: string): string;
  /** Answers the next requests to `path` with these statuses, in order; afterwards 200. */
  script(path: string, statuses: readonly number[]): void;
  /** Answers every request to `path` with `status`. */
  always(path: string, status: number): void;
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startSink(port = 0): Promise<Sink> {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const fixed = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const status = scripts.get(path)?.shift() ?? fixed.get(path) ?? 200;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status >= 400 ? `refused with ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    received,
    url: (path) => `https://127.0.0.1:${bound}${path}`,
    script: (path, statuses) => scripts.set(path, [...statuses]),
    always: (path, status) => fixed.set(path, status),
    on: (path) => received.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${description}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A JSON request with fetch; the body is parsed when there is one. */
export async function call(method: string, url: string, body?: unknown): Promise<JsonResponse> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Runtime options for tests: free ports, fast retries. */
export function testOptions(dataDir: string, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return {
    dataDir,
    host: '127.0.0.1',
    portalPort: 0,
    brokerPort: 0,
    awsPort: 0,
    functionsDir: undefined,
    environment: 'e2e',
    demo: false,
    maxEventSizeBytes: 262_144,
    retryBaseMs: 10,
    loopbackTls: false,
    ...overrides,
  };
}

/** The schema of `data` used by the tests' event type. */
export const PARCEL_DATA_SCHEMA = {
  type: 'object',
  required: ['parcel_id', 'weight_kg'],
  additionalProperties: false,
  properties: {
    parcel_id: { type: 'string' },
    weight_kg: { type: 'number', minimum: 0 },
    note: { type: 'string' },
  },
} as const;

export function envelope(target: string, data: Record<string, unknown>): Record<string, unknown> {
  return { metadata: { event_attributes: { source: 'scanner', target } }, data };
}
