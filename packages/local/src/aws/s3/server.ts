import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account';
import { S3ChangeReason, S3DeletionType, S3Notifications } from './notifications';
import { versionContext } from './version-context';
import { versioningRoutes } from './versioning-routes';
import { S3VersionStore } from './versions';

export type { S3EventBridgeEvent, S3ObjectNotification } from './notifications';
export { S3ChangeReason, S3DeletionType, S3Notifications, s3EventBridgeEvent } from './notifications';
export { BucketVersioningStatus, NotANoncurrentVersionError } from './versions';

/** What the local S3 does that only S3's own machinery (lifecycle rules) would do in AWS. */
export interface S3Lifecycle {
  /**
   * Expires a noncurrent version as a lifecycle `NoncurrentVersionExpiration` rule would: the version is
   * removed for good and an `Object Deleted` event with reason `Lifecycle Expiration` and deletion type
   * `Permanently Deleted` is notified. The key's current version is left alone.
   * Rejects with `NotANoncurrentVersionError` for the current version or a version the key does not have.
   */
  expireNoncurrentVersion(bucket: string, key: string, versionId: string): Promise<void>;
}

export interface LocalS3 extends S3Lifecycle {
  readonly port: number;
  readonly notifications: S3Notifications;
  /** Lets any access key sign requests (s3rver only knows its own by default). */
  allowAccessKey(accessKeyId: string): void;
  close(): Promise<void>;
}

interface S3EventRecord {
  eventName: string;
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

/**
 * Starts s3rver on a loopback port with its files under `directory` (path-style buckets only), with S3's
 * bucket versioning added in front of it.
 */
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
  const versions = new S3VersionStore(server.store);
  const notifications = new S3Notifications();
  // Versioning is answered before s3rver's router (the last middleware), which knows nothing of it.
  server.middleware.splice(
    server.middleware.length - 1,
    0,
    versioningRoutes(versions, server.store, notifications) as (typeof server.middleware)[number],
  );
  server.on('event', (event: { Records?: S3EventRecord[] }) => {
    // Emitted inside the request that made the change: its version id (if any) is known here.
    notifications.publish(event, versionContext.getStore()?.versionId);
  });
  const address = await server.run();
  return {
    port: address.port,
    notifications,
    allowAccessKey(accessKeyId) {
      if (!AWSAccount.registry.has(accessKeyId))
        AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, accessKeyId);
    },
    async expireNoncurrentVersion(bucket, key, versionId) {
      const expired = await versions.expireNoncurrent(bucket, key, versionId);
      notifications.notify({
        type: 'removed',
        eventName: 'LifecycleExpiration:Delete',
        reason: S3ChangeReason.LIFECYCLE_EXPIRATION,
        deletionType: S3DeletionType.PERMANENTLY_DELETED,
        bucket,
        key,
        versionId: expired.versionId,
        ...(expired.etag !== undefined ? { eTag: expired.etag } : {}),
        eventTime: new Date().toISOString(),
      });
    },
    close: () => server.close(),
  };
}
