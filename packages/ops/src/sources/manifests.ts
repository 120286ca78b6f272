/** The component buckets: producer manifests (one per live version) and consumer manifests (one per subscription). */
import {
  type ConsumerManifest,
  type ProducerManifest,
  parseConsumerManifest,
  parseManifestKey,
  parseProducerManifest,
} from '@bridgeport/core';
import type { BackupProblem } from './backups';
import type { BucketReader } from './bucket-reader';

export interface ProducerManifestEntry {
  readonly key: string;
  readonly manifest: ProducerManifest;
}

export interface ConsumerManifestEntry {
  readonly key: string;
  readonly manifest: ConsumerManifest;
  /** When the manifest was written (the subscription's creation, as near as the bucket knows). */
  readonly lastModified: Date;
}

export interface ManifestCatalog {
  /** By `{event_type}/{version}`. */
  readonly producers: ReadonlyMap<string, ProducerManifestEntry>;
  /** By subscription id. */
  readonly consumers: ReadonlyMap<string, ConsumerManifestEntry>;
  /** Objects that are not readable manifests of their key. */
  readonly problems: readonly BackupProblem[];
}

/** Key of a version in `ManifestCatalog.producers`. */
export function versionRef(eventType: string, version: number): string {
  return `${eventType}/${version}`;
}

export async function readManifests(
  publisher: BucketReader,
  subscriber: BucketReader,
): Promise<ManifestCatalog> {
  const problems: BackupProblem[] = [];
  const producers = new Map<string, ProducerManifestEntry>();
  const consumers = new Map<string, ConsumerManifestEntry>();
  for (const object of await publisher.list()) {
    const key = parseManifestKey(object.key);
    if (key?.kind !== 'producer') {
      problems.push({
        key: object.key,
        reason: 'is not a producer manifest key ({event_type}/{version}/deploy.json)',
      });
      continue;
    }
    const parsed = parseProducerManifest(await publisher.read(object), object.key);
    if (!parsed.ok) {
      problems.push({
        key: object.key,
        reason: `is not a valid producer manifest: ${describe(parsed.errors)}`,
      });
    } else {
      producers.set(versionRef(key.eventType, key.version), { key: object.key, manifest: parsed.value });
    }
  }
  for (const object of await subscriber.list()) {
    const key = parseManifestKey(object.key);
    if (key?.kind !== 'consumer') {
      problems.push({
        key: object.key,
        reason: 'is not a consumer manifest key ({event_type}/{version}/{subscription_id}/deploy.json)',
      });
      continue;
    }
    // Loopback consumers are what the local runtime's subscriptions name; the portal checked each at creation.
    const parsed = parseConsumerManifest(await subscriber.read(object), object.key, {
      allowLoopbackTargets: true,
    });
    if (!parsed.ok) {
      problems.push({
        key: object.key,
        reason: `is not a valid consumer manifest: ${describe(parsed.errors)}`,
      });
    } else {
      consumers.set(key.subscriptionId, {
        key: object.key,
        manifest: parsed.value,
        lastModified: object.lastModified,
      });
    }
  }
  return { producers, consumers, problems };
}

function describe(errors: readonly { path: string; message: string }[]): string {
  return errors.map((error) => `${error.path} ${error.message}`).join('; ');
}
