import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../bus/durable-file';
import { QUEUE_NAME, type StoredQueue } from './attributes';
import { QueueDoesNotExistError } from './errors';

const METADATA_FILE = 'queues.json';

/** The queues of a store and their attributes, kept in `queues.json` (loaded once, saved on every change). */
export class QueueCatalog {
  private loaded: Promise<Map<string, StoredQueue>> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly directory: string) {}

  /** Every queue by name; changes to it are kept by `save`. */
  all(): Promise<Map<string, StoredQueue>> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  /** The queue named, or `QueueDoesNotExist`. */
  async get(queueName: string): Promise<StoredQueue> {
    const stored = (await this.all()).get(queueName);
    if (stored === undefined) throw new QueueDoesNotExistError(queueName);
    return stored;
  }

  private async load(): Promise<Map<string, StoredQueue>> {
    await mkdir(this.directory, { recursive: true });
    const queues = new Map<string, StoredQueue>();
    try {
      const saved = JSON.parse(await readFile(path.join(this.directory, METADATA_FILE), 'utf8')) as {
        queues?: Record<string, StoredQueue>;
      };
      for (const [name, queue] of Object.entries(saved.queues ?? {})) queues.set(name, queue);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Queues that SQS targets filled before queues had attributes: defaults.
    for (const file of await readdir(this.directory)) {
      const name = file.endsWith('.jsonl') ? file.slice(0, -'.jsonl'.length) : undefined;
      if (name !== undefined && QUEUE_NAME.test(name) && !queues.has(name)) {
        const now = Math.floor(Date.now() / 1000);
        queues.set(name, { attributes: {}, createdAt: now, lastModifiedAt: now });
      }
    }
    return queues;
  }

  /** Writes `queues.json`; writes are serialized, each one with the state at its turn. */
  save(): Promise<void> {
    const write = this.saving.then(async () => {
      const queues = await this.all();
      await writeFileAtomic(
        path.join(this.directory, METADATA_FILE),
        `${JSON.stringify({ queues: Object.fromEntries(queues) }, null, 2)}\n`,
      );
    });
    this.saving = write.catch(() => undefined);
    return write;
  }
}
