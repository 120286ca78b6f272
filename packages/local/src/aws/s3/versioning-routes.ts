import type { IncomingMessage } from 'node:http';
import S3Error from 's3rver/lib/models/error';
import type { FilesystemStore } from 's3rver/lib/stores/filesystem';
import { VERSION_ID_HEADER } from './atomic-store';
import type { S3Notifications } from './notifications';
import { withVersionContext } from './version-context';
import {
  type S3Context as Context,
  copyObject,
  deleteObjects,
  getVersion,
  listVersions,
  notifyMarker,
  notifyPermanentDelete,
  single,
  XMLNS,
} from './version-operations';
import { type BucketVersioningStatus, NULL_VERSION_ID, type S3VersionStore } from './versions';

type Middleware = (context: Context, next: () => Promise<void>) => Promise<void>;

/** Subresources that make a request something other than a plain object read, write or delete. */
const OBJECT_SUBRESOURCES = [
  'acl',
  'legal-hold',
  'retention',
  'select',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
];

/**
 * The S3 versioning API, answered in front of s3rver's router (which has none): Put/GetBucketVersioning,
 * ListObjectVersions, GetObject/HeadObject/DeleteObject with `versionId`, delete markers, CopyObject from a
 * version, multi-object deletes, and the `x-amz-version-id` of every write. Requests it does not concern go
 * on to s3rver unchanged. Notifications carry the version id, the reason and the deletion type, as S3's do.
 */
export function versioningRoutes(
  versions: S3VersionStore,
  store: FilesystemStore,
  notifications: S3Notifications,
): Middleware {
  const requireBucket = async (bucket: string): Promise<void> => {
    if ((await store.getBucket(bucket)) === null) {
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    }
  };

  return async (ctx, next) => {
    const target = targetOf(ctx.path);
    if (target === undefined) return next();
    const { bucket, key } = target;
    const query = ctx.query;
    if (key === undefined) {
      if ('versioning' in query && ctx.method === 'PUT') {
        await requireBucket(bucket);
        const status = /<Status>\s*(Enabled|Suspended)\s*<\/Status>/.exec(await readText(ctx.req))?.[1];
        if (status === undefined) {
          throw new S3Error(
            'IllegalVersioningConfigurationException',
            'The Versioning element must be specified as Enabled or Suspended.',
          );
        }
        await versions.setStatus(bucket, status as BucketVersioningStatus);
        ctx.status = 200;
        ctx.body = '';
        return;
      }
      if ('versioning' in query && ctx.method === 'GET') {
        await requireBucket(bucket);
        const status = await versions.status(bucket);
        ctx.body = {
          VersioningConfiguration: { '@': { xmlns: XMLNS }, ...(status ? { Status: status } : {}) },
        };
        return;
      }
      if ('versions' in query && ctx.method === 'GET') {
        await requireBucket(bucket);
        ctx.body = await listVersions(versions, bucket, query);
        return;
      }
      if ('delete' in query && ctx.method === 'POST') {
        await requireBucket(bucket);
        ctx.body = await deleteObjects(versions, store, notifications, bucket, await readText(ctx.req));
        return;
      }
      if (ctx.method === 'DELETE' && Object.keys(query).length === 0) {
        await next();
        versions.forget(bucket);
        return;
      }
      return next();
    }
    if (OBJECT_SUBRESOURCES.some((name) => name in query)) return next();
    const versionId = single(query.versionId);
    switch (ctx.method) {
      case 'PUT': {
        if (typeof ctx.headers['x-amz-copy-source'] === 'string') {
          await copyObject(ctx, versions, store, notifications, bucket, key);
          return;
        }
        const context: { versionId?: string } = {};
        await withVersionContext(context, next);
        if (context.versionId !== undefined) ctx.set(VERSION_ID_HEADER, context.versionId);
        return;
      }
      case 'GET':
      case 'HEAD': {
        // In a bucket never versioned, every object is its key's `null` version.
        const unversionedNull =
          versionId === NULL_VERSION_ID && (await versions.status(bucket)) === undefined;
        if (versionId !== undefined && !unversionedNull) {
          await requireBucket(bucket);
          await getVersion(ctx, versions, bucket, key, versionId);
          return;
        }
        try {
          await next();
        } catch (error) {
          const latest = (await versions.versionsOf(bucket, key).catch(() => []))[0];
          if (error instanceof S3Error && error.code === 'NoSuchKey' && latest?.deleteMarker) {
            ctx.set('x-amz-delete-marker', 'true');
            ctx.set(VERSION_ID_HEADER, latest.versionId);
          }
          throw error;
        }
        return;
      }
      case 'DELETE': {
        await requireBucket(bucket);
        const status = await versions.status(bucket);
        if (versionId !== undefined && status !== undefined) {
          const removed = await versions.deleteVersion(bucket, key, versionId);
          ctx.set(VERSION_ID_HEADER, versionId);
          if (removed?.deleteMarker) ctx.set('x-amz-delete-marker', 'true');
          if (removed !== undefined) notifyPermanentDelete(notifications, bucket, removed);
          ctx.status = 204;
          return;
        }
        if (status !== undefined) {
          const marker = await versions.deleteCurrent(bucket, key);
          ctx.set('x-amz-delete-marker', 'true');
          ctx.set(VERSION_ID_HEADER, marker.versionId);
          notifyMarker(notifications, bucket, marker);
          ctx.status = 204;
          return;
        }
        return next();
      }
      default:
        return next();
    }
  };
}

/** Bucket and key of a path-style request (`/bucket/key…`), decoded; undefined for the service root. */
function targetOf(requestPath: string): { bucket: string; key?: string } | undefined {
  const [, bucketPart, ...keyParts] = requestPath.split('/');
  if (!bucketPart) return undefined;
  const bucket = decodeURIComponent(bucketPart);
  const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
  return key === '' ? { bucket } : { bucket, key };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
