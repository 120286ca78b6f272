import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { writeFileAtomic } from '../bus/durable-file';

interface DestinationsFile {
  readonly format: 1;
  /** API destination ARN → invocation endpoint. */
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
 * The local stand-in for EventBridge API destinations: which endpoint each HTTPS consumer's destination
 * invokes. Kept on disk (written before the rule's target exists) so that deliveries owed after a restart
 * can be made before the deployer has gone through the manifests again.
 */
export class ApiDestinations {
  /** `resolve` runs twice per delivery: the rewritten endpoint is computed once per destination. */
  private readonly resolved = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly filePath: string,
    private readonly destinations: Map<string, string>,
    private readonly loopbackTls: boolean,
  ) {}

  static async open(filePath: string, options: ApiDestinationsOptions = {}): Promise<ApiDestinations> {
    const destinations = new Map<string, string>();
    try {
      const file = JSON.parse(await readFile(filePath, 'utf8')) as DestinationsFile;
      for (const [arn, endpoint] of Object.entries(file.destinations ?? {})) destinations.set(arn, endpoint);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new ApiDestinations(filePath, destinations, options.loopbackTls ?? false);
  }

  /** The endpoint to call for a destination ARN (loopback `https` as `http` unless loopback TLS is on). */
  resolve(arn: string): string | undefined {
    const cached = this.resolved.get(arn);
    if (cached !== undefined) return cached;
    const endpoint = this.destinations.get(arn);
    if (endpoint === undefined || this.loopbackTls) return endpoint;
    const url = new URL(endpoint);
    if (url.protocol === 'https:' && isLoopback(url.hostname)) url.protocol = 'http:';
    const resolved = url.toString();
    this.resolved.set(arn, resolved);
    return resolved;
  }

  /** The endpoint as configured, without the loopback rewrite. */
  configured(arn: string): string | undefined {
    return this.destinations.get(arn);
  }

  async put(arn: string, endpoint: string): Promise<void> {
    if (this.destinations.get(arn) === endpoint) return;
    this.destinations.set(arn, endpoint);
    this.resolved.delete(arn);
    await this.persist();
  }

  async remove(arn: string): Promise<void> {
    this.resolved.delete(arn);
    if (!this.destinations.delete(arn)) return;
    await this.persist();
  }

  /** Writes the file; writes are serialized, each one with the destinations at its turn. */
  private persist(): Promise<void> {
    const write = this.writes.then(() => {
      const file: DestinationsFile = { format: 1, destinations: Object.fromEntries(this.destinations) };
      return writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
