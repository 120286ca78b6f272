import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { outboundProblem, urlPort } from '@bridgeport/core';
import { type Dispatcher, Pool } from 'undici';
import { TargetDeliveryError } from '../errors';
import type { TargetDefinition, TargetHttpParameters } from '../types';
import type { Delivery, TargetDispatcher } from './dispatcher';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to its addresses (the system resolver by default; tests inject their own). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface HttpTargetOptions {
  /**
   * Maps a target ARN that is not itself a URL (an API destination ARN) to its endpoint URL.
   * Targets whose ARN is an `http(s)://` URL need no mapping.
   */
  readonly resolveEndpoint?: (arn: string) => string | undefined;
  /** Per-request timeout. Default 5000 ms (an API destination's limit). */
  readonly timeoutMs?: number;
  /** Allow `http://` to hosts other than loopback. Default false. */
  readonly allowInsecureHttp?: boolean;
  /** Connections kept per origin (and checked address). Default 256. */
  readonly maxSockets?: number;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Resolves target host names; each delivery resolves once and connects to the address it checked. @default DNS */
  readonly resolver?: HostResolver;
  /** Loopback addresses may be targets (local consumers). @default false */
  readonly allowLoopbackTargets?: boolean;
  /** Loopback ports that are never a target (the runtime's own servers), read at each delivery. @default none */
  readonly reservedPorts?: () => readonly number[];
}

/** The outcome of checking an IP address target against the outbound policy, for one set of reserved ports. */
interface CheckedAddress {
  readonly reserved: readonly number[];
  readonly problem: string | undefined;
}

/** What every delivery to one target definition at one endpoint shares. */
interface PreparedTarget {
  readonly endpoint: string;
  readonly url: URL;
  /** The host without IPv6 brackets. */
  readonly host: string;
  /** The host as the URL writes it (IPv6 in brackets). */
  readonly hostname: string;
  readonly port: number;
  /** Path and query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Set when the host is an IP address: it is checked once per set of reserved ports. */
  readonly literal: { readonly address: ResolvedAddress; checkedFor: CheckedAddress | undefined } | undefined;
}

/** Connection pools kept at most (origins × addresses); the oldest is closed past it. */
const MAX_POOLS = 1024;

/** HTTP status codes EventBridge retries for API destinations; other 4xx fail at once. */
const RETRYABLE_STATUS = new Set([401, 407, 409, 429]);

/**
 * HTTPS targets (API destinations, URLs): POSTs the event JSON over pooled keep-alive connections (undici).
 * Connection errors, timeouts, 401, 407, 409, 429 and 5xx are retryable; other non-2xx responses are not.
 */
export class HttpTargetDispatcher implements TargetDispatcher {
  readonly kind = 'HTTPS';
  private readonly maxSockets: number;
  private readonly timeoutMs: number;
  /** Keep-alive connection pools, one per origin and checked address. */
  private readonly pools = new Map<string, Pool>();
  private readonly prepared = new WeakMap<TargetDefinition, PreparedTarget>();

  constructor(private readonly options: HttpTargetOptions = {}) {
    this.maxSockets = options.maxSockets ?? 256;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  canDeliver(arn: string): boolean {
    return /^https?:\/\//i.test(arn) || this.options.resolveEndpoint?.(arn) !== undefined;
  }

  async deliver(delivery: Delivery): Promise<void> {
    const endpoint = /^https?:\/\//i.test(delivery.target.Arn)
      ? delivery.target.Arn
      : this.options.resolveEndpoint?.(delivery.target.Arn);
    if (!endpoint) {
      throw new TargetDeliveryError('NO_RESOURCE', `No endpoint is known for ${delivery.target.Arn}.`, false);
    }
    const prepared = this.prepare(endpoint, delivery.target);
    const checked = this.checkedPool(prepared);
    const pool = checked instanceof Pool ? checked : await checked;
    const { url } = prepared;
    let answer: PostAnswer;
    try {
      answer = await post(pool, prepared.path, prepared.headers, delivery.payload);
    } catch (error) {
      throw deliveryFailure(error, this.timeoutMs);
    }
    const status = answer.statusCode;
    if (status >= 200 && status < 300) return;
    const retryable = status >= 500 || RETRYABLE_STATUS.has(status);
    const detail = answer.body.trim().slice(0, 256);
    throw new TargetDeliveryError(
      status === 429 ? 'THROTTLING' : `HTTP_${status}`,
      `${url.origin}${url.pathname} answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
      retryable,
    );
  }

  /**
   * What every delivery to this target shares (its URL, headers, agent), worked out once per target definition
   * and endpoint: a target changed by PutTargets is a new definition, an API destination moved is a new endpoint.
   */
  private prepare(endpoint: string, target: TargetDefinition): PreparedTarget {
    const cached = this.prepared.get(target);
    if (cached !== undefined && cached.endpoint === endpoint) return cached;
    const url = buildUrl(endpoint, target.HttpParameters);
    if (url.protocol === 'http:' && !this.options.allowInsecureHttp && !isLoopback(url.hostname)) {
      throw new TargetDeliveryError(
        'INVALID_ENDPOINT',
        `Plain http is allowed only to loopback hosts: ${url.host}.`,
        false,
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const version = isIP(host);
    const prepared: PreparedTarget = {
      endpoint,
      url,
      host,
      hostname: url.hostname,
      port: urlPort(url),
      path: `${url.pathname}${url.search}`,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Amazon/EventBridge/ApiDestinations',
        ...this.options.headers,
        ...(target.HttpParameters?.HeaderParameters ?? {}),
        ...(url.username === '' && url.password === ''
          ? {}
          : {
              authorization: `Basic ${Buffer.from(
                `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
              ).toString('base64')}`,
            }),
      },
      literal:
        version === 0
          ? undefined
          : { address: { address: host, family: version === 6 ? 6 : 4 }, checkedFor: undefined },
    };
    this.prepared.set(target, prepared);
    return prepared;
  }

  /**
   * The lookup a request connects through: to the one address checked against the outbound policy. A host name
   * is resolved at every delivery (DNS rebinding: it may point somewhere else by the next one) and every address it
   * resolves to is checked; an IP address is checked again only when the runtime's reserved ports change.
   * No connection is attempted to an address the outbound policy refuses.
   */
  private checkedPool(prepared: PreparedTarget): Pool | Promise<Pool> {
    const reserved = this.options.reservedPorts?.() ?? [];
    const { literal } = prepared;
    if (literal !== undefined) {
      const checked = literal.checkedFor;
      if (checked === undefined || !samePorts(checked.reserved, reserved)) {
        const problem = this.addressProblem(prepared, reserved, literal.address.address);
        literal.checkedFor = { reserved: [...reserved], problem };
      }
      const current = literal.checkedFor as CheckedAddress;
      if (current.problem !== undefined) {
        throw new TargetDeliveryError('FORBIDDEN_TARGET', `Refused: ${current.problem}.`, false);
      }
      return this.pool(prepared.url.origin, literal.address);
    }
    return this.checkedAddress(prepared, reserved).then((address) => this.pool(prepared.url.origin, address));
  }

  /** The pool of connections to `origin` made to the checked `address` (the request keeps the origin's host name). */
  private pool(origin: string, address: ResolvedAddress): Pool {
    const key = `${origin} ${address.address}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      if (this.pools.size >= MAX_POOLS) {
        const [oldestKey, oldest] = this.pools.entries().next().value as [string, Pool];
        this.pools.delete(oldestKey);
        void oldest.close().catch(() => undefined);
      }
      pool = new Pool(origin, {
        connections: this.maxSockets,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connectTimeout: this.timeoutMs,
        connect: { lookup: fixedLookup(address) },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Why the outbound policy refuses the target's host (when it is an IP address, that address), if it does. */
  private addressProblem(
    prepared: PreparedTarget,
    reserved: readonly number[],
    address: string | undefined,
  ): string | undefined {
    const policy = {
      allowLoopback: this.options.allowLoopbackTargets === true,
      reservedLoopbackPorts: reserved,
    };
    const named = outboundProblem(prepared.hostname, prepared.port, policy);
    if (named !== undefined || address === undefined) return named;
    return outboundProblem(address, prepared.port, policy, `${prepared.host} resolves to ${address}, which`);
  }

  /** Resolves a host name and checks every address it resolves to; the first one is connected to. */
  private async checkedAddress(
    prepared: PreparedTarget,
    reserved: readonly number[],
  ): Promise<ResolvedAddress> {
    const named = this.addressProblem(prepared, reserved, undefined);
    if (named !== undefined) throw new TargetDeliveryError('FORBIDDEN_TARGET', `Refused: ${named}.`, false);
    const { host } = prepared;
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await (this.options.resolver ?? systemResolver)(host);
    } catch (error) {
      throw connectionError(error instanceof Error ? error : new Error(String(error)));
    }
    const [first] = addresses;
    if (first === undefined) {
      throw new TargetDeliveryError('CONNECTION_FAILURE', `${host} resolves to no address.`, true);
    }
    for (const { address } of addresses) {
      const policy = {
        allowLoopback: this.options.allowLoopbackTargets === true,
        reservedLoopbackPorts: reserved,
      };
      const problem = outboundProblem(
        address,
        prepared.port,
        policy,
        `${host} resolves to ${address}, which`,
      );
      if (problem !== undefined) {
        throw new TargetDeliveryError('FORBIDDEN_TARGET', `Refused: ${problem}.`, false);
      }
    }
    return first;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}

/** A target's answer: its status, and the start of its body when it is not a 2xx (for the failure message). */
interface PostAnswer {
  readonly statusCode: number;
  readonly body: string;
}

/** How much of a failed answer's body is kept for the failure message. */
const FAILURE_BODY_CHARS = 512;
/** Bytes of an answer's body read at most; past them the answer counts as complete and its connection is closed. */
const MAX_ANSWER_BYTES = 128 * 1024;

/**
 * POSTs `payload` and resolves with the answer once its body has been read. Dispatched with a handler of its own
 * rather than `pool.request`: a delivery needs only the status (and a failure's first bytes), so no body stream is
 * made and a 2xx body is dropped as it arrives. A body longer than `MAX_ANSWER_BYTES` is not read to its end, and a
 * 2xx whose body then breaks off is still an answer, as it was when the body was drained with `dump()`.
 */
function post(
  pool: Pool,
  path: string,
  headers: Readonly<Record<string, string>>,
  payload: string,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let body = '';
    let received = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {
        // nothing to set up: the pool connects
      },
      onResponseStart(_controller, status) {
        statusCode = status;
      },
      onResponseData(controller, chunk) {
        if ((statusCode < 200 || statusCode >= 300) && body.length < FAILURE_BODY_CHARS) {
          body += chunk.toString('utf8');
        }
        received += chunk.length;
        if (received > MAX_ANSWER_BYTES) {
          resolve({ statusCode, body });
          controller.abort(new Error('The answer is longer than a delivery reads.'));
        }
      },
      onResponseEnd() {
        resolve({ statusCode, body });
      },
      onResponseError(_controller, error) {
        // Once the target has answered 2xx the event is delivered, whatever becomes of the rest of the body.
        if (statusCode >= 200 && statusCode < 300) resolve({ statusCode, body });
        else reject(error);
      },
    };
    pool.dispatch({ path, method: 'POST', headers, body: payload }, handler);
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** A failed request as a delivery error: no answer in time (`TIMEOUT`), or a connection failure; both retryable. */
function deliveryFailure(error: unknown, timeoutMs: number): TargetDeliveryError {
  if (error instanceof TargetDeliveryError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new TargetDeliveryError('TIMEOUT', `No response within ${timeoutMs} ms.`, true, { cause: error });
  }
  return connectionError(error instanceof Error ? error : new Error(String(error)));
}

function connectionError(error: Error): TargetDeliveryError {
  const code = (error as NodeJS.ErrnoException).code;
  return new TargetDeliveryError(
    'CONNECTION_FAILURE',
    `Connection failed${code ? ` (${code})` : ''}: ${error.message}`,
    true,
    {
      cause: error,
    },
  );
}

function buildUrl(endpoint: string, parameters: TargetHttpParameters | undefined): URL {
  let resolved = endpoint;
  for (const value of parameters?.PathParameterValues ?? [])
    resolved = resolved.replace('*', encodeURIComponent(value));
  const url = new URL(resolved);
  for (const [key, value] of Object.entries(parameters?.QueryStringParameters ?? {}))
    url.searchParams.append(key, value);
  return url;
}

function fixedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
}

function samePorts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
