import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { outboundProblem, urlPort } from '@bridgeport/core';
import { TargetDeliveryError } from '../errors';
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
  /** Sockets kept per host. Default 256. */
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

/** HTTP status codes EventBridge retries for API destinations; other 4xx fail at once. */
const RETRYABLE_STATUS = new Set([401, 407, 409, 429]);

/**
 * HTTPS targets (API destinations, URLs): POSTs the event JSON with keep-alive connections.
 * Connection errors, timeouts, 401, 407, 409, 429 and 5xx are retryable; other non-2xx responses are not.
 */
export class HttpTargetDispatcher implements TargetDispatcher {
  readonly kind = 'HTTPS';
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpTargetOptions = {}) {
    const maxSockets = options.maxSockets ?? 256;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
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
    const url = buildUrl(endpoint, delivery);
    if (url.protocol === 'http:' && !this.options.allowInsecureHttp && !isLoopback(url.hostname)) {
      throw new TargetDeliveryError(
        'INVALID_ENDPOINT',
        `Plain http is allowed only to loopback hosts: ${url.host}.`,
        false,
      );
    }
    const target = await this.checkedAddress(url);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all === true) callback(null, [target]);
      else callback(null, target.address, target.family);
    };
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      ...this.options.headers,
      ...(delivery.target.HttpParameters?.HeaderParameters ?? {}),
      'content-length': Buffer.byteLength(delivery.payload),
    };
    await new Promise<void>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(
        url,
        {
          method: 'POST',
          headers,
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          timeout: this.timeoutMs,
          lookup,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            response.resume();
            response.on('end', resolve);
            response.on('error', resolve);
            return;
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (body.length < 512) body += chunk;
          });
          response.on('end', () => {
            const retryable = status >= 500 || RETRYABLE_STATUS.has(status);
            const detail = body.trim().slice(0, 256);
            reject(
              new TargetDeliveryError(
                status === 429 ? 'THROTTLING' : `HTTP_${status}`,
                `${url.origin}${url.pathname} answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
                retryable,
              ),
            );
          });
          response.on('error', (error) => reject(connectionError(error)));
        },
      );
      request.on('timeout', () => {
        request.destroy(new TargetDeliveryError('TIMEOUT', `No response within ${this.timeoutMs} ms.`, true));
      });
      request.on('error', (error) =>
        reject(error instanceof TargetDeliveryError ? error : connectionError(error)),
      );
      request.end(delivery.payload);
    });
  }

  /**
   * Resolves the target's host once and checks every address it resolves to (DNS rebinding: the name may
   * point somewhere else by the time of the next delivery); the request then connects to the checked address.
   * No connection is attempted to an address the outbound policy refuses.
   */
  private async checkedAddress(url: URL): Promise<ResolvedAddress> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = urlPort(url);
    const policy = {
      allowLoopback: this.options.allowLoopbackTargets === true,
      reservedLoopbackPorts: this.options.reservedPorts?.() ?? [],
    };
    const named = outboundProblem(url.hostname, port, policy);
    if (named !== undefined) throw new TargetDeliveryError('FORBIDDEN_TARGET', `Refused: ${named}.`, false);
    const version = isIP(host);
    let addresses: readonly ResolvedAddress[];
    if (version !== 0) addresses = [{ address: host, family: version === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await (this.options.resolver ?? systemResolver)(host);
      } catch (error) {
        throw connectionError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const [first] = addresses;
    if (first === undefined) {
      throw new TargetDeliveryError('CONNECTION_FAILURE', `${host} resolves to no address.`, true);
    }
    for (const { address } of addresses) {
      const problem = outboundProblem(address, port, policy, `${host} resolves to ${address}, which`);
      if (problem !== undefined) {
        throw new TargetDeliveryError('FORBIDDEN_TARGET', `Refused: ${problem}.`, false);
      }
    }
    return first;
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
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

function buildUrl(endpoint: string, delivery: Delivery): URL {
  const parameters = delivery.target.HttpParameters;
  let resolved = endpoint;
  for (const value of parameters?.PathParameterValues ?? [])
    resolved = resolved.replace('*', encodeURIComponent(value));
  const url = new URL(resolved);
  for (const [key, value] of Object.entries(parameters?.QueryStringParameters ?? {}))
    url.searchParams.append(key, value);
  return url;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
