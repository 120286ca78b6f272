import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { issueToken, SIGNING_KEY_FILE, type TokenSubject } from '../../src/identity/tokens';
import type { RuntimeOptions } from '../../src/options';

/**
 * The signing key every test runtime uses (`testOptions` and `useTestSigningKey` put it in the data directory
 * before the runtime starts), so that `call` can sign its tokens without asking the runtime.
 */
const TEST_SIGNING_KEY = new Uint8Array(Buffer.from('bridgeport-test-signing-key-32-bytes-long!', 'utf8'));

/** Writes the tests' signing key into a data directory (the runtime keeps a key that is already there). */
export function useTestSigningKey(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    path.join(dataDir, SIGNING_KEY_FILE),
    `${Buffer.from(TEST_SIGNING_KEY).toString('base64url')}\n`,
    {
      mode: 0o600,
    },
  );
}

/** A platform admin: who `call` is unless told otherwise. */
export const TEST_ADMIN: TokenSubject = { user: 'test-admin', teams: [], admin: true };

/** A bearer token for a runtime started with `testOptions`/`useTestSigningKey`. */
export function tokenFor(subject: TokenSubject): Promise<string> {
  return issueToken(TEST_SIGNING_KEY, subject);
}

/** `{ authorization: 'Bearer …' }` for a member of `team` (or several), or an admin. */
export async function authHeaders(
  who: {
    readonly team?: string;
    readonly teams?: readonly string[];
    readonly admin?: boolean;
    readonly user?: string;
  } = {},
): Promise<Record<string, string>> {
  const teams = who.teams ?? (who.team === undefined ? [] : [who.team]);
  const token = await tokenFor({ user: who.user ?? `${teams[0] ?? 'admin'}-user`, teams, admin: who.admin });
  return { authorization: `Bearer ${token}` };
}

let adminToken: Promise<string> | undefined;

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

export interface CallOptions {
  /** Extra headers; an `authorization` here replaces the default admin token. */
  readonly headers?: Record<string, string>;
  /** Send no `authorization` header at all. */
  readonly anonymous?: boolean;
}

/**
 * A JSON request with fetch, as a platform admin (`TEST_ADMIN`) unless `options` say otherwise; the body is
 * parsed when there is one.
 */
export async function call(
  method: string,
  url: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<JsonResponse> {
  adminToken ??= tokenFor(TEST_ADMIN);
  const response = await fetch(url, {
    method,
    headers: {
      ...(options.anonymous ? {} : { authorization: `Bearer ${await adminToken}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * The header with the producer key of an HTTP event type, read from the portal as a platform admin: what a
 * producer sends with every event.
 */
export async function producerKey(portalUrl: string, eventType: string): Promise<CallOptions> {
  const answer = await call('GET', `${portalUrl}/events/${eventType}/producer-key`);
  if (answer.status !== 200) {
    throw new Error(
      `Reading the producer key of ${eventType}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  }
  return { headers: { 'x-api-key': (answer.body as { api_key: string }).api_key } };
}

/** Runtime options for tests: free ports, fast retries, the tests' signing key in the data directory. */
export function testOptions(dataDir: string, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  useTestSigningKey(dataDir);
  return {
    dataDir,
    host: '127.0.0.1',
    portalPort: 0,
    brokerPort: 0,
    awsPort: 0,
    functionsDir: undefined,
    environment: 'e2e',
    region: 'us-east-1',
    demo: false,
    maxEventSizeBytes: 262_144,
    retryBaseMs: 10,
    loopbackTls: false,
    archiveRetentionDays: 30,
    metricRetentionDays: 15,
    allowLoopbackTargets: true,
    maxConnections: 1000,
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
