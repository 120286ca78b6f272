import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FilesystemStore } from 's3rver/lib/stores/filesystem';
import { writeFileAtomic } from '../../bus/durable-file';
import {
  type AtomicObjectStore,
  type CommittingObject,
  makeObjectAccessAtomic,
  temporaryPathFor,
  VERSION_ID_HEADER,
} from './atomic-store';
import { versionContext } from './version-context';

/** A bucket's versioning state as S3 names it (a bucket never versioned has none). */
export const BucketVersioningStatus = { ENABLED: 'Enabled', SUSPENDED: 'Suspended' } as const;
export type BucketVersioningStatus = (typeof BucketVersioningStatus)[keyof typeof BucketVersioningStatus];

/** The version id of objects written while versioning was off or suspended. */
export const NULL_VERSION_ID = 'null';

/** One version of a key: an object's content or a delete marker. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  /** ISO-8601. */
  readonly lastModified: string;
  /** Hex MD5 of the content (objects only). */
  readonly etag?: string;
  readonly size?: number;
  /** Standard headers and `x-amz-meta-*` stored with the content (objects only). */
  readonly metadata?: Record<string, unknown>;
}

type StoredVersion = Omit<ObjectVersion, 'key'>;

interface BucketState {
  status?: BucketVersioningStatus;
  /** Versions of each key, newest first. */
  keys: Record<string, StoredVersion[]>;
}

/** A version that lifecycle expiry cannot remove: it is not there, or it is the current version. */
export class NotANoncurrentVersionError extends Error {
  override readonly name = 'NotANoncurrentVersionError';
}

export interface ListVersionsOptions {
  readonly prefix?: string;
  readonly keyMarker?: string;
  readonly versionIdMarker?: string;
  readonly maxKeys?: number;
}

export interface VersionListing {
  readonly versions: readonly (ObjectVersion & { readonly isLatest: boolean })[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
}

const INDEX_FILE = 'index.json';

/**
 * S3 bucket versioning on top of s3rver's file store, which knows only one object per key.
 *
 * s3rver's object file stays the key's current content (so every read path it has keeps working); this store
 * keeps every version's content beside it, under `{bucket}/._S3rver_versions/` (never listed as an object),
 * with an index of the versions of each key, newest first. A write of a versioned bucket records a new
 * version before it becomes visible, a delete writes a delete marker, and deleting a version by id (or
 * expiring it) restores the newest remaining version as the current content. All changes of one key run
 * under that key's lock, the one s3rver's own writes take.
 */
export class S3VersionStore {
  readonly atomic: AtomicObjectStore;
  private readonly states = new Map<string, Promise<BucketState>>();
  private readonly saves = new Map<string, Promise<void>>();

  constructor(private readonly store: FilesystemStore) {
    this.atomic = makeObjectAccessAtomic(store, { beforeCommit: (object) => this.recordPut(object) });
  }

  async status(bucket: string): Promise<BucketVersioningStatus | undefined> {
    return (await this.state(bucket)).status;
  }

  /**
   * Turns versioning on (or suspends it). The first time, the bucket's existing objects become its `null`
   * versions, as in S3.
   */
  async setStatus(bucket: string, status: BucketVersioningStatus): Promise<void> {
    const state = await this.state(bucket);
    const first = state.status === undefined;
    state.status = status;
    await this.save(bucket);
    if (!first) return;
    const { objects } = await this.store.listObjects(bucket, {});
    for (const object of objects) {
      await this.atomic.lock(bucket, object.key, async () => {
        if ((state.keys[object.key]?.length ?? 0) > 0) return;
        const objectPath = this.store.getResourcePath(bucket, object.key, 'object');
        const content = this.contentPath(bucket, object.key, NULL_VERSION_ID);
        await mkdir(path.dirname(content), { recursive: true });
        try {
          await copyFile(objectPath, content);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        const stored = await this.store.getMetadata(bucket, object.key);
        const etag = String(stored.etag ?? '').replace(/"/g, '');
        state.keys[object.key] = [
          {
            versionId: NULL_VERSION_ID,
            deleteMarker: false,
            lastModified: new Date(String(stored['last-modified'])).toISOString(),
            etag,
            size: Number(stored['content-length']),
            metadata: storedHeaders(stored),
          },
        ];
        await this.atomic.writeMetadata(bucket, object.key, storedHeaders(stored), etag, {
          [VERSION_ID_HEADER]: NULL_VERSION_ID,
        });
      });
    }
    await this.save(bucket);
  }

  /** The key's versions, newest first (none in a bucket never versioned). */
  async versionsOf(bucket: string, key: string): Promise<ObjectVersion[]> {
    const state = await this.state(bucket);
    return (state.keys[key] ?? []).map((version) => ({ key, ...version }));
  }

  /** One version and, for an object, the file holding its content. */
  async version(
    bucket: string,
    key: string,
    versionId: string,
  ): Promise<{ version: ObjectVersion; contentPath?: string } | undefined> {
    const stored = (await this.state(bucket)).keys[key]?.find((v) => v.versionId === versionId);
    if (stored === undefined) return undefined;
    const version = { key, ...stored };
    return version.deleteMarker
      ? { version }
      : { version, contentPath: this.contentPath(bucket, key, versionId) };
  }

  /** DeleteObject without a version id in a versioned bucket: the current content goes, a delete marker is added. */
  async deleteCurrent(bucket: string, key: string): Promise<ObjectVersion> {
    return this.atomic.lock(bucket, key, async () => {
      const state = await this.state(bucket);
      await this.deleteCurrentContent(bucket, key);
      const versionId = await this.newVersionId(bucket, key, state);
      const marker: StoredVersion = { versionId, deleteMarker: true, lastModified: new Date().toISOString() };
      state.keys[key] = [marker, ...(state.keys[key] ?? [])];
      await this.save(bucket);
      return { key, ...marker };
    });
  }

  /**
   * Removes one version for good (DeleteObject with a version id); the newest remaining version, if it is an
   * object, becomes the current content. Undefined when the key has no such version.
   */
  async deleteVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersion | undefined> {
    return this.atomic.lock(bucket, key, () => this.removeVersion(bucket, key, versionId));
  }

  /** Lifecycle expiry of a noncurrent version: removes it; the current version stays as it is. */
  async expireNoncurrent(bucket: string, key: string, versionId: string): Promise<ObjectVersion> {
    return this.atomic.lock(bucket, key, async () => {
      const versions = (await this.state(bucket)).keys[key] ?? [];
      const index = versions.findIndex((v) => v.versionId === versionId);
      if (index < 0) throw new NotANoncurrentVersionError(`${bucket}/${key} has no version ${versionId}.`);
      if (index === 0) {
        throw new NotANoncurrentVersionError(
          `Version ${versionId} is the current version of ${bucket}/${key}; lifecycle expires noncurrent versions only.`,
        );
      }
      const removed = await this.removeVersion(bucket, key, versionId);
      if (removed === undefined)
        throw new NotANoncurrentVersionError(`${bucket}/${key} has no version ${versionId}.`);
      return removed;
    });
  }

  /** ListObjectVersions: keys in order, each key's versions newest first. */
  async list(bucket: string, options: ListVersionsOptions = {}): Promise<VersionListing> {
    const prefix = options.prefix ?? '';
    const maxKeys = Math.max(0, Math.min(options.maxKeys ?? 1000, 1000));
    const state = await this.state(bucket);
    let entries: (ObjectVersion & { isLatest: boolean })[];
    if (state.status === undefined) {
      const { objects } = await this.store.listObjects(bucket, { prefix });
      entries = objects.map((object) => ({
        key: object.key,
        versionId: NULL_VERSION_ID,
        deleteMarker: false,
        lastModified: new Date(String(object.metadata['last-modified'])).toISOString(),
        etag: String(object.metadata.etag ?? '').replace(/"/g, ''),
        size: Number(object.metadata['content-length']),
        isLatest: true,
      }));
    } else {
      entries = Object.keys(state.keys)
        .filter((key) => key.startsWith(prefix))
        .sort()
        .flatMap((key) =>
          (state.keys[key] ?? []).map((version, index) => ({ key, ...version, isLatest: index === 0 })),
        );
    }
    let start = 0;
    const { keyMarker, versionIdMarker } = options;
    if (keyMarker !== undefined && keyMarker !== '') {
      const at = versionIdMarker
        ? entries.findIndex((entry) => entry.key === keyMarker && entry.versionId === versionIdMarker)
        : -1;
      start = at >= 0 ? at + 1 : entries.findIndex((entry) => entry.key > keyMarker);
      if (start < 0) start = entries.length;
    }
    const page = entries.slice(start, start + maxKeys);
    const isTruncated = start + maxKeys < entries.length;
    const last = page.at(-1);
    return {
      versions: page,
      isTruncated,
      ...(isTruncated && last ? { nextKeyMarker: last.key, nextVersionIdMarker: last.versionId } : {}),
    };
  }

  /** Forgets a deleted bucket's versions. */
  forget(bucket: string): void {
    this.states.delete(bucket);
  }

  // ---- internals ------------------------------------------------------------------------------------

  /** Called (key locked) when a write of `object` is complete: records it as the key's newest version. */
  private async recordPut(object: CommittingObject): Promise<Record<string, string> | undefined> {
    const state = await this.state(object.bucket);
    if (state.status === undefined) return undefined;
    const versionId = await this.newVersionId(object.bucket, object.key, state);
    const content = this.contentPath(object.bucket, object.key, versionId);
    await mkdir(path.dirname(content), { recursive: true });
    await copyFile(object.temporary, content);
    state.keys[object.key] = [
      {
        versionId,
        deleteMarker: false,
        lastModified: new Date().toISOString(),
        etag: object.md5,
        size: object.size,
        metadata: storedHeaders(object.metadata),
      },
      ...(state.keys[object.key] ?? []),
    ];
    await this.save(object.bucket);
    const context = versionContext.getStore();
    if (context !== undefined) context.versionId = versionId;
    return { [VERSION_ID_HEADER]: versionId };
  }

  /**
   * A new version id: a random one while versioning is enabled; `null` while suspended, replacing the key's
   * existing null version.
   */
  private async newVersionId(bucket: string, key: string, state: BucketState): Promise<string> {
    if (state.status === BucketVersioningStatus.ENABLED) {
      // 32 URL-safe characters, like S3's version ids.
      return randomBytes(24).toString('base64url');
    }
    const versions = state.keys[key] ?? [];
    if (versions.some((v) => v.versionId === NULL_VERSION_ID)) {
      state.keys[key] = versions.filter((v) => v.versionId !== NULL_VERSION_ID);
      await rm(this.contentPath(bucket, key, NULL_VERSION_ID), { force: true });
    }
    return NULL_VERSION_ID;
  }

  /** Removes a version (key locked); the newest remaining object version becomes the current content. */
  private async removeVersion(
    bucket: string,
    key: string,
    versionId: string,
  ): Promise<ObjectVersion | undefined> {
    const state = await this.state(bucket);
    const versions = state.keys[key] ?? [];
    const index = versions.findIndex((v) => v.versionId === versionId);
    if (index < 0) return undefined;
    const [removed] = versions.splice(index, 1);
    if (versions.length === 0) delete state.keys[key];
    await this.save(bucket);
    await rm(this.contentPath(bucket, key, versionId), { force: true });
    if (index === 0) {
      await this.deleteCurrentContent(bucket, key);
      const next = versions[0];
      if (next !== undefined && !next.deleteMarker) await this.restore(bucket, key, next);
    }
    return { key, ...removed };
  }

  /** Removes the key's current content, if any (key locked; s3rver's delete fails when there is none). */
  private async deleteCurrentContent(bucket: string, key: string): Promise<void> {
    if (await this.store.existsObject(bucket, key)) await this.atomic.deleteUnlocked(bucket, key);
  }

  /** Makes `version` the key's current content again (key locked). */
  private async restore(bucket: string, key: string, version: StoredVersion): Promise<void> {
    const objectPath = this.store.getResourcePath(bucket, key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    const temporary = temporaryPathFor(objectPath);
    try {
      await copyFile(this.contentPath(bucket, key, version.versionId), temporary);
      await this.atomic.writeMetadata(bucket, key, version.metadata ?? {}, version.etag ?? '', {
        [VERSION_ID_HEADER]: version.versionId,
      });
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private directory(bucket: string): string {
    return this.store.getResourcePath(bucket, undefined, 'versions');
  }

  private contentPath(bucket: string, key: string, versionId: string): string {
    const keyDigest = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return path.join(this.directory(bucket), `${keyDigest}.${versionId}`);
  }

  private state(bucket: string): Promise<BucketState> {
    let state = this.states.get(bucket);
    if (state === undefined) {
      state = this.load(bucket);
      this.states.set(bucket, state);
      state.catch(() => this.states.delete(bucket));
    }
    return state;
  }

  private async load(bucket: string): Promise<BucketState> {
    try {
      const text = await readFile(path.join(this.directory(bucket), INDEX_FILE), 'utf8');
      const parsed = JSON.parse(text) as BucketState;
      return { status: parsed.status, keys: parsed.keys ?? {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { keys: {} };
      throw error;
    }
  }

  /** Writes the bucket's index after every earlier write of it (one at a time, each the latest state). */
  private save(bucket: string): Promise<void> {
    const previous = this.saves.get(bucket) ?? Promise.resolve();
    const next = previous.then(async () => {
      const state = await this.state(bucket);
      if (state.status === undefined && Object.keys(state.keys).length === 0) return;
      await mkdir(this.directory(bucket), { recursive: true });
      await writeFileAtomic(path.join(this.directory(bucket), INDEX_FILE), JSON.stringify(state));
    });
    this.saves.set(
      bucket,
      next.catch(() => undefined),
    );
    return next;
  }
}

const STORED_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
  'website-redirect-location',
];

/** The headers S3 stores with an object's content: standard ones and `x-amz-meta-*`. */
function storedHeaders(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metadata).filter(
      ([name]) => STORED_HEADERS.includes(name) || name.startsWith('x-amz-meta-'),
    ),
  );
}
