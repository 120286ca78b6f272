import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account';
import { makeObjectAccessAtomic } from './s3-store';

/** A change to an object, from s3rver's S3 event notification. */
export interface S3ObjectNotification {
  readonly type: 'created' | 'removed';
  /** S3's event name, e.g. `ObjectCreated:Put`, `ObjectRemoved:Delete`. */
  readonly eventName: string;
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  readonly size?: number;
  readonly eTag?: string;
  /** ISO-8601. */
  readonly eventTime: string;
}

interface S3EventRecord {
  eventName: string;
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

type NotificationEvents = {
  objectCreated: [S3ObjectNotification];
  objectRemoved: [S3ObjectNotification];
  change: [S3ObjectNotification];
};

/**
 * Object notifications of the local S3: `objectCreated`, `objectRemoved`, and `change` for both.
 * Listeners run after the request that caused the change has been answered.
 */
export class S3Notifications extends EventEmitter<NotificationEvents> {
  /** Calls `listener` for every change (optionally of one bucket); returns the unsubscribe function. */
  onChange(listener: (notification: S3ObjectNotification) => void, bucket?: string): () => void {
    const filtered = (notification: S3ObjectNotification): void => {
      if (bucket === undefined || notification.bucket === bucket) listener(notification);
    };
    this.on('change', filtered);
    return () => this.off('change', filtered);
  }

  /**
   * @internal Publishes `ObjectRemoved:Delete` for keys removed by a multi-object delete (s3rver
   * emits no event for those; S3 does, one per key).
   */
  publishRemoved(bucket: string, keys: readonly string[]): void {
    const eventTime = new Date().toISOString();
    this.publish({
      Records: keys.map((key) => ({
        eventName: 'ObjectRemoved:Delete',
        eventTime,
        s3: { bucket: { name: bucket }, object: { key } },
      })),
    });
  }

  /** @internal Called with each s3rver event. */
  publish(event: { Records?: S3EventRecord[] }): void {
    for (const record of event.Records ?? []) {
      const created = record.eventName.startsWith('ObjectCreated');
      const notification: S3ObjectNotification = {
        type: created ? 'created' : 'removed',
        eventName: record.eventName,
        bucket: record.s3.bucket.name,
        key: record.s3.object.key,
        ...(record.s3.object.size !== undefined ? { size: record.s3.object.size } : {}),
        ...(record.s3.object.eTag !== undefined ? { eTag: record.s3.object.eTag } : {}),
        eventTime: record.eventTime,
      };
      this.emit(created ? 'objectCreated' : 'objectRemoved', notification);
      this.emit('change', notification);
    }
  }
}

export interface LocalS3 {
  readonly port: number;
  readonly notifications: S3Notifications;
  /** Lets any access key sign requests (s3rver only knows its own by default). */
  allowAccessKey(accessKeyId: string): void;
  close(): Promise<void>;
}

/** Starts s3rver on a loopback port with its files under `directory` (path-style buckets only). */
export async function startLocalS3(directory: string, options: { silent?: boolean } = {}): Promise<LocalS3> {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: options.silent ?? true,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
  });
  makeObjectAccessAtomic(server.store);
  const notifications = new S3Notifications();
  server.on('event', (event: { Records?: S3EventRecord[] }) => {
    // Deliver after the response, so a listener reading the object sees it complete.
    setImmediate(() => notifications.publish(event));
  });
  const address = await server.run();
  return {
    port: address.port,
    notifications,
    allowAccessKey(accessKeyId) {
      if (!AWSAccount.registry.has(accessKeyId))
        AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, accessKeyId);
    },
    close: () => server.close(),
  };
}
