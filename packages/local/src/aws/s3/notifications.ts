import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** Why S3 reports a change (the `reason` of its EventBridge events). */
export const S3ChangeReason = {
  PUT_OBJECT: 'PutObject',
  POST_OBJECT: 'POST Object',
  COPY_OBJECT: 'CopyObject',
  COMPLETE_MULTIPART_UPLOAD: 'CompleteMultipartUpload',
  DELETE_OBJECT: 'DeleteObject',
  LIFECYCLE_EXPIRATION: 'Lifecycle Expiration',
} as const;
export type S3ChangeReason = (typeof S3ChangeReason)[keyof typeof S3ChangeReason];

/** What a deletion did (the `deletion-type` of S3's `Object Deleted` events). */
export const S3DeletionType = {
  PERMANENTLY_DELETED: 'Permanently Deleted',
  DELETE_MARKER_CREATED: 'Delete Marker Created',
} as const;
export type S3DeletionType = (typeof S3DeletionType)[keyof typeof S3DeletionType];

/** A change to an object, as S3 notifies it. */
export interface S3ObjectNotification {
  readonly type: 'created' | 'removed';
  /**
   * S3's event name: `ObjectCreated:Put`, `ObjectRemoved:Delete`, `ObjectRemoved:DeleteMarkerCreated`,
   * `LifecycleExpiration:Delete`…
   */
  readonly eventName: string;
  readonly reason: S3ChangeReason;
  /** Removals only. */
  readonly deletionType?: S3DeletionType;
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  /** The version written or removed (versioned buckets only). */
  readonly versionId?: string;
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

const CREATED_REASONS: Readonly<Record<string, S3ChangeReason>> = {
  'ObjectCreated:Put': S3ChangeReason.PUT_OBJECT,
  'ObjectCreated:Post': S3ChangeReason.POST_OBJECT,
  'ObjectCreated:Copy': S3ChangeReason.COPY_OBJECT,
  'ObjectCreated:CompleteMultipartUpload': S3ChangeReason.COMPLETE_MULTIPART_UPLOAD,
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

  /** @internal Delivers one notification once the current request has been answered. */
  notify(notification: S3ObjectNotification): void {
    setImmediate(() => {
      this.emit(notification.type === 'created' ? 'objectCreated' : 'objectRemoved', notification);
      this.emit('change', notification);
    });
  }

  /** @internal Called with each s3rver event (and the version the request wrote, if any). */
  publish(event: { Records?: S3EventRecord[] }, versionId?: string): void {
    for (const record of event.Records ?? []) {
      const created = record.eventName.startsWith('ObjectCreated');
      this.notify({
        type: created ? 'created' : 'removed',
        eventName: record.eventName,
        reason: CREATED_REASONS[record.eventName] ?? S3ChangeReason.DELETE_OBJECT,
        ...(created ? {} : { deletionType: S3DeletionType.PERMANENTLY_DELETED }),
        bucket: record.s3.bucket.name,
        key: record.s3.object.key,
        ...(versionId !== undefined ? { versionId } : {}),
        ...(record.s3.object.size !== undefined ? { size: record.s3.object.size } : {}),
        ...(record.s3.object.eTag !== undefined ? { eTag: record.s3.object.eTag } : {}),
        eventTime: record.eventTime,
      });
    }
  }
}

/** An S3 event as EventBridge delivers it (`source: aws.s3`). */
export interface S3EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created' | 'Object Deleted';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly etag?: string;
      readonly 'version-id'?: string;
      readonly sequencer: string;
    };
    readonly 'request-id': string;
    readonly requester: string;
    readonly 'source-ip-address'?: string;
    readonly reason: S3ChangeReason;
    readonly 'deletion-type'?: S3DeletionType;
  };
}

let sequence = 0;

/**
 * The EventBridge event S3 sends for `notification` (bucket EventBridge notifications on): `Object Created`, or
 * `Object Deleted` with its `deletion-type`; lifecycle expiry is requested by `s3.amazonaws.com`, with no
 * source address.
 */
export function s3EventBridgeEvent(
  notification: S3ObjectNotification,
  scope: { readonly account: string; readonly region: string; readonly partition?: string },
): S3EventBridgeEvent {
  sequence += 1;
  const lifecycle = notification.reason === S3ChangeReason.LIFECYCLE_EXPIRATION;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': notification.type === 'created' ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: scope.account,
    time: notification.eventTime.replace(/\.\d+Z$/, 'Z'),
    region: scope.region,
    resources: [`arn:${scope.partition ?? 'aws'}:s3:::${notification.bucket}`],
    detail: {
      version: '0',
      bucket: { name: notification.bucket },
      object: {
        key: notification.key,
        ...(notification.size !== undefined ? { size: notification.size } : {}),
        ...(notification.eTag !== undefined ? { etag: notification.eTag } : {}),
        ...(notification.versionId !== undefined ? { 'version-id': notification.versionId } : {}),
        sequencer: `${Date.now().toString(16)}${sequence.toString(16).padStart(8, '0')}`.toUpperCase(),
      },
      'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: lifecycle ? 's3.amazonaws.com' : scope.account,
      ...(lifecycle ? {} : { 'source-ip-address': '127.0.0.1' }),
      reason: notification.reason,
      ...(notification.deletionType !== undefined ? { 'deletion-type': notification.deletionType } : {}),
    },
  };
}
