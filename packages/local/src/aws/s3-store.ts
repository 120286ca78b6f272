import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3Object from 's3rver/lib/models/object';
import type { FilesystemStore } from 's3rver/lib/stores/filesystem';

let temporaryFiles = 0;

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
export function makeObjectAccessAtomic(store: FilesystemStore): void {
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

  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) =>
    serialized(store.getResourcePath(bucket, key, 'object'), () => deleteObject(bucket, key));

  store.putObject = (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    return serialized(objectPath, async () => {
      await mkdir(path.dirname(objectPath), { recursive: true });
      temporaryFiles += 1;
      // Not ending in the object suffix, so listings never show it.
      const temporary = `${objectPath}.${process.pid}-${temporaryFiles}.partial`;
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
        await store.putMetadata(object.bucket, object.key, object.metadata, digest);
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
      return object;
    } catch (error) {
      await handle.close();
      throw error;
    }
  };
}
