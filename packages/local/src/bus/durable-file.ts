import { type FileHandle, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomically from 'write-file-atomic';
import { runtimeLogger } from '../runtime/logger';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** How long `appendLazy` records wait for an `append` to ride along with before they are flushed on their own. */
export const LAZY_FLUSH_DELAY_MS = 25;

/**
 * An append-only file with group commit: every `append` waiting at the same time is written with one
 * `write` and made durable with one `fdatasync`, so many small records cost one disk flush.
 * `appendLazy` records ride along with the next flush without being waited for; they never start a flush
 * of their own while appends keep coming (at most one every `LAZY_FLUSH_DELAY_MS` when none do).
 */
export class GroupCommitFile {
  private pending: (string | Buffer)[] = [];
  private pendingBytes = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private lazyTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private size: number;

  private constructor(
    private readonly handle: FileHandle,
    readonly filePath: string,
    initialSize: number,
  ) {
    this.size = initialSize;
  }

  /**
   * Opens `filePath` for appending. A file that ends part-way through a line (a write torn by a crash) is
   * first cut back to just after its last newline, so that the next record starts on a line of its own;
   * `onTruncate` hears how many bytes were dropped.
   */
  static async open(
    filePath: string,
    onTruncate: (droppedBytes: number, filePath: string) => void = warnTruncated,
  ): Promise<GroupCommitFile> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const handle = await open(filePath, 'a+');
    try {
      const { size } = await handle.stat();
      const complete = await endOfLastLine(handle, size);
      if (complete < size) {
        await handle.truncate(complete);
        await handle.datasync();
        onTruncate(size - complete, filePath);
      }
      return new GroupCommitFile(handle, filePath, complete);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes written so far (including buffered ones). */
  get bytes(): number {
    return this.size + this.pendingBytes;
  }

  /** Appends and resolves once the data is on disk (write + fdatasync). */
  append(data: string | Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.filePath} is closed`));
    this.buffer(data);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.scheduleFlush();
    return done;
  }

  /** Appends without waiting; the data is written with the next flush. */
  appendLazy(data: string | Buffer): void {
    if (this.closed) return;
    this.buffer(data);
    this.scheduleLazyFlush();
  }

  /** Resolves once everything appended so far is durable. */
  async sync(): Promise<void> {
    while (this.flushing || this.pending.length > 0) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    await this.handle.close();
  }

  private buffer(data: string | Buffer): void {
    this.pending.push(data);
    this.pendingBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
      if (this.waiters.length > 0) this.scheduleFlush();
      else if (this.pending.length > 0) this.scheduleLazyFlush();
    });
  }

  /** Lazy records alone: flushed after a short delay, unless an append (or a flush under way) takes them first. */
  private scheduleLazyFlush(): void {
    if (this.flushing || this.lazyTimer !== undefined) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined;
      this.scheduleFlush();
    }, LAZY_FLUSH_DELAY_MS);
  }

  /** One write + fdatasync per batch; goes on while appends wait (lazy records left alone wait for the timer). */
  private async flushLoop(): Promise<void> {
    for (let first = true; this.pending.length > 0 && (first || this.waiters.length > 0); first = false) {
      const chunks = this.pending;
      const waiters = this.waiters;
      const bytes = this.pendingBytes;
      this.pending = [];
      this.waiters = [];
      this.pendingBytes = 0;
      try {
        const data = toBuffer(chunks, bytes);
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await this.handle.write(data, offset);
          offset += bytesWritten;
        }
        await this.handle.datasync();
        this.size += bytes;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // Part of the batch may have reached the file: cut it off, so that the next record does not
        // continue a torn line (which would make both unreadable).
        await this.handle.truncate(this.size).catch(() => undefined);
        for (const waiter of waiters) waiter.reject(error);
      }
    }
  }
}

/** One buffer of the records in order: text records are joined and encoded once. */
function toBuffer(chunks: readonly (string | Buffer)[], bytes: number): Buffer {
  if (chunks.every((chunk) => typeof chunk === 'string')) return Buffer.from(chunks.join(''));
  return Buffer.concat(
    chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
    bytes,
  );
}

/** The length of the file's complete lines: the offset just after its last newline (0 when there is none). */
async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const length = Math.min(chunk.length, end);
    const start = end - length;
    const { bytesRead } = await handle.read(chunk, 0, length, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

function warnTruncated(droppedBytes: number, filePath: string): void {
  runtimeLogger.warn('Dropped the torn last line of a log file', { filePath, droppedBytes });
}

/**
 * Writes a whole file durably: `write-file-atomic` writes a temp file beside it, fsyncs it and renames it over the
 * target; then the directory is fsynced so that the rename survives a crash. Writes of one file are applied in
 * call order (`write-file-atomic` queues them as they are called), so the last one called is what stays; a missing
 * directory is made on the first write into it.
 */
export async function writeFileAtomic(filePath: string, data: string): Promise<void> {
  const dir = path.dirname(filePath);
  try {
    await writeFileAtomically(filePath, data);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dir, { recursive: true });
    await writeFileAtomically(filePath, data);
  }
  await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}
