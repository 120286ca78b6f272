/**
 * What the end-to-end suites share: a runtime on a temporary data directory with the tests' signing key, tokens and
 * JSON calls, event types, subscriptions and producers, consumer sinks, waiting, and the `bridgeport` command.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueToken, SIGNING_KEY_FILE, type TokenSubject } from '../../src/identity/tokens';
import type { RuntimeOptions } from '../../src/options';
import { type Bridgeport, type BridgeportOptions, startBridgeport } from '../../src/runtime/bridgeport';

/** The local package's folder: where `bridgeport` runs from (`src/cli.ts` through tsx). */
export const PACKAGE_DIR = path.resolve(__dirname, '../..');

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

/** A new, empty data directory for a suite (`bridgeport-{suite}-…` in the system's temporary folder). */
export function tempDataDir(suite: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `bridgeport-${suite}-`));
}

/** `testOptions` overrides, plus the start hooks the suites set: silent unless `log` is given. */
export type TestRuntimeOptions = Partial<RuntimeOptions> & Pick<BridgeportOptions, 'log' | 'retryCapMs'>;

/** Starts a runtime on `dataDir` with `testOptions(dataDir, overrides)`. */
export function startTestRuntime(dataDir: string, options: TestRuntimeOptions = {}): Promise<Bridgeport> {
  const { log = () => undefined, retryCapMs, ...overrides } = options;
  return startBridgeport({
    ...testOptions(dataDir, overrides),
    ...(retryCapMs === undefined ? {} : { retryCapMs }),
    log,
  });
}

/** A runtime of one suite, on a data directory of its own. */
export interface TestRuntime {
  readonly dataDir: string;
  readonly runtime: Bridgeport;
  /** `{portalUrl}{route}` */
  portal(route: string): string;
  /** `{brokerUrl}{route}` (the producer endpoint) */
  broker(route: string): string;
  /** Stops the runtime and removes its data directory. */
  close(): Promise<void>;
}

/** Starts a runtime on a new data directory named for `suite` (see `tempDataDir`, `startTestRuntime`). */
export async function startSuiteRuntime(
  suite: string,
  options: TestRuntimeOptions = {},
): Promise<TestRuntime> {
  const dataDir = await tempDataDir(suite);
  let runtime: Bridgeport;
  try {
    runtime = await startTestRuntime(dataDir, options);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    dataDir,
    runtime,
    portal: (route) => `${runtime.portalUrl}${route}`,
    broker: (route) => `${runtime.brokerUrl}${route}`,
    close: async () => {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until every deployment asked for is applied and the bus has delivered all it holds. */
export async function settle(runtime: Bridgeport): Promise<void> {
  await runtime.whenDeployed();
  await runtime.bus.whenIdle();
}

/** The `status` of a portal resource (`/events/{type}/versions/{n}`, `/subscriptions/{id}`) is ACTIVE. */
async function isActive(url: string): Promise<boolean> {
  const found = await call('GET', url);
  return (found.body as { status?: string } | undefined)?.status === 'ACTIVE';
}

/**
 * Creates `eventType` as a platform admin (an HTTPS producer of `PARCEL_DATA_SCHEMA` owned by parcel-tracking,
 * unless `fields` say otherwise) and waits until its version 1 is ACTIVE.
 */
export async function createEventType(
  portalUrl: string,
  eventType: string,
  fields: Record<string, unknown> = {},
): Promise<void> {
  const created = await call('POST', `${portalUrl}/events`, {
    application: 'parcel-tracking',
    event_type: eventType,
    description: 'A parcel was scanned',
    connection_type: 'HTTPS',
    data: PARCEL_DATA_SCHEMA,
    ...fields,
  });
  expect(created.status).toBe(201);
  await waitFor(`${eventType} v1 to be ACTIVE`, () =>
    isActive(`${portalUrl}/events/${eventType}/versions/1`),
  );
}

/**
 * Subscribes to `eventType` (version 1 over HTTPS unless `fields` say otherwise) as a platform admin and waits until
 * the subscription is ACTIVE; answers its id.
 */
export async function subscribe(
  portalUrl: string,
  eventType: string,
  fields: Record<string, unknown>,
): Promise<string> {
  const created = await call('POST', `${portalUrl}/subscriptions`, {
    event_type: eventType,
    version: 1,
    connection_type: 'HTTPS',
    ...fields,
  });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  await waitFor(`subscription ${id} to be ACTIVE`, () => isActive(`${portalUrl}/subscriptions/${id}`));
  return id;
}

/** Publishes `data` for `target` to `/{eventType}/{version}` with the event type's producer key. */
export async function publish(
  runtime: Pick<Bridgeport, 'portalUrl' | 'brokerUrl'>,
  eventType: string,
  data: Record<string, unknown>,
  { target = 'depot', version = 1 }: { readonly target?: string; readonly version?: number } = {},
): Promise<JsonResponse> {
  return call(
    'POST',
    `${runtime.brokerUrl}/${eventType}/${version}`,
    envelope(target, data),
    await producerKey(runtime.portalUrl, eventType),
  );
}

/** What a finished `bridgeport` process printed, and its exit code. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bridgeport …` (src/cli.ts through tsx, as `pnpm exec bridgeport` does) as a process, to completion. */
export function runBridgeport(args: readonly string[]): Promise<ProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
