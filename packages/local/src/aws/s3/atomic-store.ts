import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3Object from 's3rver/lib/models/object';
import type { FilesystemStore } from 's3rver/lib/stores/filesystem';

let temporaryFiles = 0;

/** Runs `work` after every earlier write or delete of the same object (`bucket`, `key`). */
export type ObjectLock = <T>(bucket: string, key: string, work: () => Promise<T>) => Promise<T>;

/** A whole new object, written to `temporary`, about to become the object's current content. */
export interface CommittingObject {
  readonly bucket: string;
  readonly key: string;
  /** The complete new content; renamed over the object right after the hook. */
  readonly temporary: string;
  readonly md5: string;
  readonly size: number;
  /** The metadata s3rver was given for the object (content type, `x-amz-meta-*`…). */
  readonly metadata: Record<string, unknown>;
}

/** The header (and stored metadata field) carrying an object's version id. */
export const VERSION_ID_HEADER = 'x-amz-version-id';

/** What the versioning layer builds on: the per-object lock and the metadata writer of the atomic store. */
export interface AtomicObjectStore {
  readonly lock: ObjectLock;
  /** s3rver's own delete of the current object, for a caller holding the key's lock. */
  deleteUnlocked(bucket: string, key: string): Promise<void>;
  /** Writes an object's metadata file (with `extra` fields s3rver itself would drop). */
  writeMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, unknown>,
    md5: string,
    extra: Record<string, string> | undefined,
  ): Promise<void>;
}

export interface ObjectStoreHooks {
  /**
   * Called with the key's lock held once a write is complete and before it becomes visible; returns extra
   * metadata stored with the object (e.g. its version id).
   */
  beforeCommit?(object: CommittingObject): Promise<Record<string, string> | undefined>;
}

/** A unique temporary file beside `objectPath` (not ending in the object suffix, so listings never show it). */
export function temporaryPathFor(objectPath: string): string {
  temporaryFiles += 1;
  return `${objectPath}.${process.pid}-${temporaryFiles}.partial`;
}

/**
 * Makes s3rver's file store safe for a key read and written at the same time, as S3 is: a reader sees one
 * whole version of the object, never a mix and never a promise of bytes that do not follow.
 *
 * s3rver rewrites an object's file in place (truncate, then write) and answers a read with the size it found
 * before opening the file: a GET racing a PUT of the same key then announces a `Content-Length` it never
 * sends, and the client waits for those bytes forever (or reads half of one version and half of another).
 * Here a write goes to a temporary file that is renamed over the object once complete (and writes of one key
 * are applied one at a time, so the object and its ETag and metadata files always come from the same write),
 * and a read takes the object's size from the file it opened, so the length it announces is the length it
 * streams.
 */
export function makeObjectAccessAtomic(
  store: FilesystemStore,
  hooks: ObjectStoreHooks = {},
): AtomicObjectStore {
  const writes = new Map<string, Promise<unknown>>();
  /** Runs `work` after every earlier write or delete of the same object. */
  const serialized = <T>(objectPath: string, work: () => Promise<T>): Promise<T> => {
    const previous = writes.get(objectPath) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    writes.set(objectPath, settled);
    void settled.then(() => {
      if (writes.get(objectPath) === settled) writes.delete(objectPath);
    });
    return result;
  };

  /** s3rver keeps only standard headers and `x-amz-meta-*`; `extra` (a version id) is stored beside them. */
  const writeMetadata = async (
    bucket: string,
    key: string,
    metadata: Record<string, unknown>,
    md5: string,
    extra: Record<string, string> | undefined,
  ): Promise<void> => {
    await store.putMetadata(bucket, key, metadata, md5);
    if (extra === undefined || Object.keys(extra).length === 0) return;
    const file = store.getResourcePath(bucket, key, 'metadata.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...stored, ...extra }, null, 2));
  };
  const lock: ObjectLock = (bucket, key, work) =>
    serialized(store.getResourcePath(bucket, key, 'object'), work);
  const deleteUnlocked = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => lock(bucket, key, () => deleteUnlocked(bucket, key));

  store.putObject = (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    return serialized(objectPath, async () => {
      await mkdir(path.dirname(objectPath), { recursive: true });
      const temporary = temporaryPathFor(objectPath);
      const md5 = createHash('md5');
      let size = 0;
      const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      try {
        await pipeline(
          content,
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              md5.update(chunk);
              size += chunk.length;
              callback(null, chunk);
            },
          }),
          createWriteStream(temporary),
        );
        const digest = md5.digest('hex');
        const extra = await hooks.beforeCommit?.({
          bucket: object.bucket,
          key: object.key,
          temporary,
          md5: digest,
          size,
          metadata: object.metadata,
        });
        await writeMetadata(object.bucket, object.key, object.metadata, digest, extra);
        await rename(temporary, objectPath);
        return { size, md5: digest };
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    });
  };
  store.getObject = async (bucket, key, options) => {
    let handle: FileHandle;
    try {
      handle = await open(store.getResourcePath(bucket, key, 'object'), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const opened = await handle.stat();
      const stored = await store.getMetadata(bucket, key).catch((error: NodeJS.ErrnoException) => {
        // Deleted since it was opened: what was opened is still one whole version.
        if (error.code === 'ENOENT') return {};
        throw error;
      });
      const metadata = {
        ...stored,
        'last-modified': opened.mtime.toUTCString(),
        'content-length': opened.size,
      };
      const lastByte = Math.max(0, opened.size - 1);
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      const range = {
        start: options?.start ?? 0,
        end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte),
      };
      if (range.start < 0 || range.end < range.start) {
        await handle.close();
        const object = new S3Object(bucket, key, null, metadata);
        if (ranged) object.range = range;
        return object;
      }
      const object = new S3Object(bucket, key, handle.createReadStream(range), metadata);
      if (ranged) object.range = range;
      // S3Object keeps standard headers only; the version id is answered as a header too.
      const versionId = (stored as Record<string, unknown>)[VERSION_ID_HEADER];
      if (typeof versionId === 'string') object.metadata[VERSION_ID_HEADER] = versionId;
      return object;
    } catch (error) {
      await handle.close();
      throw error;
    }
  };
  return { lock, writeMetadata, deleteUnlocked };
}
