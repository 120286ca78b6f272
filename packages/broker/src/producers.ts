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

/** Reads manifests from an S3 bucket (the publisher components bucket); a missing key gives `undefined`. */
export function s3ManifestReader(options: S3ManifestReaderOptions): ManifestReader {
  return async (key) => {
    try {
      const object = await options.client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      return object.Body === undefined ? undefined : await object.Body.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
        return undefined;
      throw error;
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
}

/**
 * Finds producers by event type and version from their manifests (`{event_type}/{version}/deploy.json`),
 * parsed with core and cached for the life of the container. Unknown producers are not cached, so a
 * producer deployed later is found on the next request.
 */
export class ProducerCatalog {
  private readonly read: ManifestReader;
  private readonly cache = new Map<string, Promise<ResolvedProducer | undefined>>();

  constructor(options: ProducerCatalogOptions) {
    this.read = options.read;
  }

  /**
   * The producer of `eventType` version `version`, or `undefined` when it has no manifest.
   * Throws `InvalidManifestError` when the stored manifest is invalid (a deployment fault, not the caller's).
   */
  resolve(eventType: string, version: number): Promise<ResolvedProducer | undefined> {
    const key = producerManifestKey(eventType, version);
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.load(key);
      this.cache.set(key, pending);
      pending.then(
        (producer) => {
          if (producer === undefined) this.cache.delete(key);
        },
        () => this.cache.delete(key),
      );
    }
    return pending;
  }

  private async load(key: string): Promise<ResolvedProducer | undefined> {
    const text = await this.read(key);
    if (text === undefined) return undefined;
    const parsed = parseProducerManifest(text, key);
    if (!parsed.ok) throw new InvalidManifestError(key, parsed.errors);
    return resolveProducer(parsed.value);
  }
}
