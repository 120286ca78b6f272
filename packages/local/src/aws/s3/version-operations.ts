/**
 * The S3 versioning operations that s3rver has no route for, answered from the version store: ListObjectVersions,
 * GetObject/HeadObject of a version, CopyObject from a version, multi-object deletes, and the notifications of
 * delete markers and permanent deletes.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { LOCAL_ACCOUNT_ID } from '@bridgeport/core';
import S3Error from 's3rver/lib/models/error';
import type { FilesystemStore } from 's3rver/lib/stores/filesystem';
import { VERSION_ID_HEADER } from './atomic-store';
import { S3ChangeReason, S3DeletionType, type S3Notifications } from './notifications';
import { withVersionContext } from './version-context';
import type { ObjectVersion, S3VersionStore } from './versions';

/** The parts of a Koa context (s3rver's server is a Koa app) the versioning routes use. */
export interface S3Context {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string | string[] | undefined>;
  readonly headers: IncomingMessage['headers'];
  readonly req: IncomingMessage;
  status: number;
  body: unknown;
  length: number;
  set(name: string, value: string): void;
}

export const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER = { ID: LOCAL_ACCOUNT_ID, DisplayName: 'bridgeport-local' };
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the entities XML text may hold (named and numeric). */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (entity, name: string) =>
    name.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number.parseInt(name.slice(1), 10))
        : (XML_ENTITIES[name] ?? entity),
  );
}

export async function listVersions(
  versions: S3VersionStore,
  bucket: string,
  query: S3Context['query'],
): Promise<Record<string, unknown>> {
  const prefix = single(query.prefix) ?? '';
  const keyMarker = single(query['key-marker']) ?? '';
  const versionIdMarker = single(query['version-id-marker']) ?? '';
  const maxKeysText = single(query['max-keys']);
  const maxKeys = maxKeysText === undefined ? 1000 : Number.parseInt(maxKeysText, 10);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', {
      ArgumentName: 'max-keys',
      ArgumentValue: maxKeysText,
    });
  }
  const listing = await versions.list(bucket, { prefix, keyMarker, versionIdMarker, maxKeys });
  const entry = (version: ObjectVersion & { isLatest: boolean }) => ({
    Key: version.key,
    VersionId: version.versionId,
    IsLatest: version.isLatest,
    LastModified: version.lastModified,
    ...(version.deleteMarker
      ? {}
      : { ETag: `"${version.etag ?? ''}"`, Size: version.size ?? 0, StorageClass: 'STANDARD' }),
    Owner: OWNER,
  });
  const objects = listing.versions.filter((v) => !v.deleteMarker).map(entry);
  const markers = listing.versions.filter((v) => v.deleteMarker).map(entry);
  return {
    ListVersionsResult: {
      '@': { xmlns: XMLNS },
      Name: bucket,
      Prefix: prefix,
      KeyMarker: keyMarker,
      VersionIdMarker: versionIdMarker,
      MaxKeys: maxKeys,
      IsTruncated: listing.isTruncated,
      ...(listing.nextKeyMarker !== undefined
        ? { NextKeyMarker: listing.nextKeyMarker, NextVersionIdMarker: listing.nextVersionIdMarker }
        : {}),
      ...(objects.length > 0 ? { Version: objects } : {}),
      ...(markers.length > 0 ? { DeleteMarker: markers } : {}),
    },
  };
}

export async function getVersion(
  ctx: S3Context,
  versions: S3VersionStore,
  bucket: string,
  key: string,
  versionId: string,
): Promise<void> {
  const found = await versions.version(bucket, key, versionId);
  if (found === undefined) {
    throw new S3Error('NoSuchVersion', 'The specified version does not exist.', {
      Key: key,
      VersionId: versionId,
    });
  }
  const { version, contentPath } = found;
  ctx.set(VERSION_ID_HEADER, version.versionId);
  if (version.deleteMarker || contentPath === undefined) {
    ctx.set('x-amz-delete-marker', 'true');
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
      Method: ctx.method,
      ResourceType: 'DeleteMarker',
    });
  }
  for (const [name, value] of Object.entries(version.metadata ?? {})) ctx.set(name, String(value));
  if (version.metadata?.['content-type'] === undefined) ctx.set('content-type', 'binary/octet-stream');
  ctx.set('etag', `"${version.etag ?? ''}"`);
  ctx.set('last-modified', new Date(version.lastModified).toUTCString());
  ctx.set('accept-ranges', 'bytes');
  ctx.status = 200;
  ctx.length = version.size ?? 0;
  if (ctx.method !== 'HEAD') ctx.body = createReadStream(contentPath);
}

/** CopyObject through the atomic store, so that a copy into a versioned bucket is a new version too. */
export async function copyObject(
  ctx: S3Context,
  versions: S3VersionStore,
  store: FilesystemStore,
  notifications: S3Notifications,
  bucket: string,
  key: string,
): Promise<void> {
  const source = new URL(`http://source/${String(ctx.headers['x-amz-copy-source']).replace(/^\//, '')}`);
  const [, sourceBucketPart, ...sourceKeyParts] = source.pathname.split('/');
  const sourceBucket = decodeURIComponent(sourceBucketPart ?? '');
  const sourceKey = sourceKeyParts.map((part) => decodeURIComponent(part)).join('/');
  const sourceVersionId = source.searchParams.get('versionId') ?? undefined;
  if ((await store.getBucket(sourceBucket)) === null) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: sourceBucket });
  }
  if ((await store.getBucket(bucket)) === null) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  let content: Readable;
  let metadata: Record<string, unknown>;
  if (sourceVersionId !== undefined) {
    const found = await versions.version(sourceBucket, sourceKey, sourceVersionId);
    if (found === undefined) {
      throw new S3Error('NoSuchVersion', 'The specified version does not exist.', {
        Key: sourceKey,
        VersionId: sourceVersionId,
      });
    }
    if (found.contentPath === undefined) {
      throw new S3Error(
        'InvalidRequest',
        'The source of a copy request may not specifically refer to a delete marker by version id.',
      );
    }
    content = createReadStream(found.contentPath);
    metadata = { ...found.version.metadata };
  } else {
    const object = await store.getObject(sourceBucket, sourceKey);
    if (object === null || object.content === null) {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
    }
    content = object.content as Readable;
    metadata = { ...object.metadata };
  }
  if (ctx.headers['x-amz-metadata-directive'] === 'REPLACE') {
    metadata = Object.fromEntries(
      Object.entries(ctx.headers).filter(
        ([name]) => name === 'content-type' || name.startsWith('x-amz-meta-'),
      ),
    );
  }
  const context: { versionId?: string } = {};
  const written = await withVersionContext(context, () =>
    store.putObject({ bucket, key, content, metadata }),
  );
  const lastModified = new Date().toISOString();
  if (context.versionId !== undefined) ctx.set(VERSION_ID_HEADER, context.versionId);
  if (sourceVersionId !== undefined) ctx.set('x-amz-copy-source-version-id', sourceVersionId);
  notifications.notify({
    type: 'created',
    eventName: 'ObjectCreated:Copy',
    reason: S3ChangeReason.COPY_OBJECT,
    bucket,
    key,
    size: written.size,
    eTag: written.md5,
    ...(context.versionId !== undefined ? { versionId: context.versionId } : {}),
    eventTime: lastModified,
  });
  ctx.body = { CopyObjectResult: { LastModified: lastModified, ETag: `"${written.md5}"` } };
}

export async function deleteObjects(
  versions: S3VersionStore,
  store: FilesystemStore,
  notifications: S3Notifications,
  bucket: string,
  xml: string,
): Promise<Record<string, unknown>> {
  const objects = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, inner]) => ({
    key: decodeXmlText(/<Key>([\s\S]*?)<\/Key>/.exec(inner ?? '')?.[1] ?? ''),
    versionId: /<VersionId>([\s\S]*?)<\/VersionId>/.exec(inner ?? '')?.[1],
  }));
  if (objects.length === 0 || objects.some((object) => object.key === '')) {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const status = await versions.status(bucket);
  const deleted: Record<string, unknown>[] = [];
  for (const { key, versionId } of objects) {
    if (status !== undefined && versionId !== undefined) {
      const removed = await versions.deleteVersion(bucket, key, versionId);
      if (removed !== undefined) notifyPermanentDelete(notifications, bucket, removed);
      deleted.push({
        Key: key,
        VersionId: versionId,
        ...(removed?.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: versionId } : {}),
      });
    } else if (status !== undefined) {
      const marker = await versions.deleteCurrent(bucket, key);
      notifyMarker(notifications, bucket, marker);
      deleted.push({ Key: key, DeleteMarker: true, DeleteMarkerVersionId: marker.versionId });
    } else {
      if (await store.existsObject(bucket, key)) {
        await store.deleteObject(bucket, key);
        notifications.notify({
          type: 'removed',
          eventName: 'ObjectRemoved:Delete',
          reason: S3ChangeReason.DELETE_OBJECT,
          deletionType: S3DeletionType.PERMANENTLY_DELETED,
          bucket,
          key,
          eventTime: new Date().toISOString(),
        });
      }
      deleted.push({ Key: key });
    }
  }
  return { DeleteResult: { '@': { xmlns: XMLNS }, Deleted: deleted } };
}

export function notifyMarker(notifications: S3Notifications, bucket: string, marker: ObjectVersion): void {
  notifications.notify({
    type: 'removed',
    eventName: 'ObjectRemoved:DeleteMarkerCreated',
    reason: S3ChangeReason.DELETE_OBJECT,
    deletionType: S3DeletionType.DELETE_MARKER_CREATED,
    bucket,
    key: marker.key,
    versionId: marker.versionId,
    eventTime: marker.lastModified,
  });
}

export function notifyPermanentDelete(
  notifications: S3Notifications,
  bucket: string,
  removed: ObjectVersion,
): void {
  notifications.notify({
    type: 'removed',
    eventName: 'ObjectRemoved:Delete',
    reason: S3ChangeReason.DELETE_OBJECT,
    deletionType: S3DeletionType.PERMANENTLY_DELETED,
    bucket,
    key: removed.key,
    versionId: removed.versionId,
    ...(removed.etag !== undefined ? { eTag: removed.etag } : {}),
    eventTime: new Date().toISOString(),
  });
}
