import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { type AwsScope, parseArn, scopedArn } from '@bridgeport/core';
import { writeFileAtomic } from '../bus/durable-file';

/** The connection (credentials) an API destination calls its endpoint with. */
export interface ConnectionDetails {
  readonly name: string;
  readonly arn: string;
  /**
   * The API key header sent to the endpoint, when it is known here (the subscription header); undefined when
   * it comes from the consumer's Secrets Manager secret.
   */
  readonly apiKeyName?: string;
  /** The consumer's Secrets Manager secret, when its credentials come from one. */
  readonly secretName?: string;
  readonly description?: string;
}

/** What an HTTPS consumer's API destination is, beyond its endpoint: for the EventBridge API's views. */
export interface ApiDestinationDetails {
  readonly name: string;
  readonly rateLimitPerSecond: number;
  readonly description?: string;
  readonly connection: ConnectionDetails;
}

/** An API destination as the local EventBridge keeps it. */
export interface ApiDestinationRecord {
  readonly arn: string;
  readonly endpoint: string;
  readonly details?: ApiDestinationDetails;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly modifiedAt: number;
}

interface DestinationsFile {
  readonly format: 2;
  readonly destinations: ApiDestinationRecord[];
}

/** The first format: API destination ARN → invocation endpoint. */
interface LegacyDestinationsFile {
  readonly format: 1;
  readonly destinations: Record<string, string>;
}

export interface ApiDestinationsOptions {
  /**
   * Call `https://` endpoints on loopback hosts over TLS. When false (the default), a local consumer such as
   * `https://127.0.0.1:4000/hook` is called as `http://127.0.0.1:4000/hook`, so it needs no certificate.
   */
  readonly loopbackTls?: boolean;
}

/**
 * The local stand-in for EventBridge API destinations and their connections: which endpoint each HTTPS
 * consumer's destination invokes, with the rate limit and connection the deployer gave it (listed by the
 * EventBridge API's `ListApiDestinations` and `ListConnections`). Kept on disk (written before the rule's
 * target exists) so that deliveries owed after a restart can be made before the deployer has gone through the
 * manifests again.
 */
export class ApiDestinations {
  /** `resolve` runs twice per delivery: the rewritten endpoint is computed once per destination. */
  private readonly resolved = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly filePath: string,
    private readonly destinations: Map<string, ApiDestinationRecord>,
    private readonly loopbackTls: boolean,
  ) {}

  static async open(filePath: string, options: ApiDestinationsOptions = {}): Promise<ApiDestinations> {
    const destinations = new Map<string, ApiDestinationRecord>();
    try {
      const file = JSON.parse(await readFile(filePath, 'utf8')) as DestinationsFile | LegacyDestinationsFile;
      if (file.format === 1) {
        const now = Date.now();
        for (const [arn, endpoint] of Object.entries(file.destinations ?? {})) {
          destinations.set(arn, { arn, endpoint, createdAt: now, modifiedAt: now });
        }
      } else {
        for (const record of file.destinations ?? []) destinations.set(record.arn, record);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new ApiDestinations(filePath, destinations, options.loopbackTls ?? false);
  }

  /** The endpoint to call for a destination ARN (loopback `https` as `http` unless loopback TLS is on). */
  resolve(arn: string): string | undefined {
    const cached = this.resolved.get(arn);
    if (cached !== undefined) return cached;
    const endpoint = this.destinations.get(arn)?.endpoint;
    if (endpoint === undefined || this.loopbackTls) return endpoint;
    const url = new URL(endpoint);
    if (url.protocol === 'https:' && isLoopback(url.hostname)) url.protocol = 'http:';
    const resolved = url.toString();
    this.resolved.set(arn, resolved);
    return resolved;
  }

  /** The endpoint as configured, without the loopback rewrite. */
  configured(arn: string): string | undefined {
    return this.destinations.get(arn)?.endpoint;
  }

  /**
   * The ARNs of the API destination and connection with these names: the ones they have, or new ones as
   * EventBridge makes them (`api-destination/{name}/{uuid}`, `connection/{name}/{uuid}`).
   */
  arnsFor(
    names: { destination: string; connection: string },
    scope: AwsScope,
  ): { destination: string; connection: string } {
    const records = [...this.destinations.values()];
    const destination =
      records.find((record) => nameOf(record) === names.destination)?.arn ??
      scopedArn(scope, 'events', `api-destination/${names.destination}/${randomUUID()}`);
    const connection =
      records.find((record) => record.details?.connection.name === names.connection)?.details?.connection
        .arn ?? scopedArn(scope, 'events', `connection/${names.connection}/${randomUUID()}`);
    return { destination, connection };
  }

  async put(arn: string, endpoint: string, details?: ApiDestinationDetails): Promise<void> {
    const existing = this.destinations.get(arn);
    if (existing?.endpoint === endpoint && sameDetails(existing.details, details)) return;
    const now = Date.now();
    this.destinations.set(arn, {
      arn,
      endpoint,
      ...(details === undefined ? {} : { details }),
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
    });
    this.resolved.delete(arn);
    await this.persist();
  }

  async remove(arn: string): Promise<void> {
    this.resolved.delete(arn);
    if (!this.destinations.delete(arn)) return;
    await this.persist();
  }

  /** Every API destination, by name. */
  list(): ApiDestinationRecord[] {
    return [...this.destinations.values()].sort((a, b) => compare(nameOf(a), nameOf(b)));
  }

  /** Writes the file; writes are serialized, each one with the destinations at its turn. */
  private persist(): Promise<void> {
    const write = this.writes.then(() => {
      const file: DestinationsFile = { format: 2, destinations: [...this.destinations.values()] };
      return writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}

/** An API destination's name: from its details, else from its ARN (`api-destination/{name}[/{uuid}]`). */
export function nameOf(record: ApiDestinationRecord): string {
  return record.details?.name ?? parseArn(record.arn)?.resource.split('/')[1] ?? record.arn;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameDetails(a: ApiDestinationDetails | undefined, b: ApiDestinationDetails | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
