import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import {
  createPayloadValidator,
  InvalidManifestError,
  type ProducerManifest,
  type ProducerPlan,
  parseProducerManifest,
  producerManifestKey,
  producerPlan,
  type ValidationProblem,
} from '@bridgeport/core';
import { DEFAULT_PRODUCER_CACHE_TTL_SECONDS } from './config';
import { ManifestReadFailedError } from './errors';
import type { EventRoute } from './events';

/** A producer ready to accept events: its manifest, core's plan for it and its compiled payload validator. */
export interface ResolvedProducer {
  readonly manifest: ProducerManifest;
  readonly plan: ProducerPlan;
  /** Bus, Source and DetailType of its events, from the plan. */
  readonly route: EventRoute;
  /** Every problem of a payload against the version's envelope schema (ajv, full dialect); empty when valid. */
  readonly validate: (payload: unknown) => ValidationProblem[];
}

/** Reads the text of a manifest by its object key; `undefined` when there is none. */
export type ManifestReader = (key: string) => Promise<string | undefined>;

export interface S3ManifestReaderOptions {
  readonly client: S3Client;
  /** The publisher components bucket. */
  readonly bucket: string;
}

/**
 * Reads manifests from an S3 bucket (the publisher components bucket); a missing key gives `undefined`.
 * Any other failure throws `ManifestReadFailedError` (retryable when S3 throttled or failed on its side).
 * S3 answers a missing key with `NoSuchKey` only to a caller that may list the bucket (`s3:ListBucket`).
 */
export function s3ManifestReader(options: S3ManifestReaderOptions): ManifestReader {
  return async (key) => {
    try {
      const object = await options.client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      return object.Body === undefined ? undefined : await object.Body.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
        return undefined;
      throw new ManifestReadFailedError(key, error);
    }
  };
}

/** Turns a parsed producer manifest into a ready producer (plan + compiled validator). */
export function resolveProducer(manifest: ProducerManifest): ResolvedProducer {
  const plan = producerPlan(manifest);
  return {
    manifest,
    plan,
    route: { busName: plan.busName, source: plan.source, detailType: plan.detailType },
    validate: createPayloadValidator(plan.validationSchema),
  };
}

export interface ProducerCatalogOptions {
  readonly read: ManifestReader;
  /**
   * How long a resolved producer is kept before its manifest is read again, in milliseconds, so that a deleted
   * or replaced producer stops being served within that time. 0 reads the manifest on every request.
   * @default DEFAULT_PRODUCER_CACHE_TTL_SECONDS * 1000 (one minute)
   */
  readonly ttlMs?: number;
  /**
   * The clock, in milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
}

interface CacheEntry {
  readonly producer: Promise<ResolvedProducer | undefined>;
  /** When the entry goes stale; infinite while the manifest is being read. */
  expiresAt: number;
}

/**
 * Finds producers by event type and version from their manifests (`{event_type}/{version}/deploy.json`),
 * parsed with core and cached for `ttlMs`. Concurrent requests share one read. Unknown producers and failed
 * reads are not cached, so a producer deployed later is found on the next request.
 */
export class ProducerCatalog {
  private readonly read: ManifestReader;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: ProducerCatalogOptions) {
    const ttlMs = options.ttlMs ?? DEFAULT_PRODUCER_CACHE_TTL_SECONDS * 1000;
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new RangeError(`ProducerCatalog: ttlMs must be a finite number of at least 0, got ${ttlMs}`);
    }
    this.read = options.read;
    this.ttlMs = ttlMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * The producer of `eventType` version `version`, or `undefined` when it has no manifest.
   * Throws `InvalidManifestError` when the stored manifest is invalid (a deployment fault, not the caller's),
   * and what the reader throws when the manifest cannot be read (`ManifestReadFailedError` from S3).
   */
  resolve(eventType: string, version: number): Promise<ResolvedProducer | undefined> {
    const key = producerManifestKey(eventType, version);
    const cached = this.cache.get(key);
    if (cached !== undefined && this.now() < cached.expiresAt) return cached.producer;
    const entry: CacheEntry = { producer: this.load(key), expiresAt: Number.POSITIVE_INFINITY };
    this.cache.set(key, entry);
    const forget = () => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    };
    entry.producer.then((producer) => {
      if (producer === undefined || this.ttlMs === 0) forget();
      else entry.expiresAt = this.now() + this.ttlMs;
    }, forget);
    return entry.producer;
  }

  private async load(key: string): Promise<ResolvedProducer | undefined> {
    const text = await this.read(key);
    if (text === undefined) return undefined;
    const parsed = parseProducerManifest(text, key);
    if (!parsed.ok) throw new InvalidManifestError(key, parsed.errors);
    return resolveProducer(parsed.value);
  }
}
