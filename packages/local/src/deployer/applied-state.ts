/**
 * The applied-state file: a digest of the content each manifest was last made ACTIVE from, kept across restarts
 * so that a restart does not record statuses again for manifests that are ACTIVE with the same content.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../bus/durable-file';
import { describe } from './run-status';

const STATE_FORMAT = 1;

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class AppliedStateFile {
  private readonly digests = new Map<string, string>();
  private saving: Promise<void> = Promise.resolve();

  /** Without a `file`, digests are kept in memory only. */
  constructor(
    private readonly file: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Reads the file; a missing one is empty, one that cannot be parsed is logged and ignored. */
  async load(): Promise<void> {
    const { file } = this;
    if (file === undefined) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const state = JSON.parse(text) as { format?: unknown; applied?: Record<string, unknown> };
      if (state.format !== STATE_FORMAT) return;
      for (const [objectKey, digest] of Object.entries(state.applied ?? {}))
        if (typeof digest === 'string') this.digests.set(objectKey, digest);
    } catch (error) {
      this.log(`deployer: ignoring ${file}, which cannot be read: ${describe(error)}`);
    }
  }

  /** The digest the manifest was last made ACTIVE from. */
  digest(objectKey: string): string | undefined {
    return this.digests.get(objectKey);
  }

  keys(): IterableIterator<string> {
    return this.digests.keys();
  }

  remember(objectKey: string, digest: string): void {
    if (this.digests.get(objectKey) === digest) return;
    this.digests.set(objectKey, digest);
    this.save();
  }

  forget(objectKey: string): void {
    if (this.digests.delete(objectKey)) this.save();
  }

  /** Settles once every write started so far is done (a failed write is logged, never rejected). */
  saved(): Promise<void> {
    return this.saving;
  }

  /** Writes the digests after every earlier write (one at a time, each the latest state). */
  private save(): void {
    const { file } = this;
    if (file === undefined) return;
    this.saving = this.saving.then(async () => {
      const applied = Object.fromEntries([...this.digests].sort(([a], [b]) => a.localeCompare(b)));
      try {
        await writeFileAtomic(file, `${JSON.stringify({ format: STATE_FORMAT, applied }, null, 2)}\n`);
      } catch (error) {
        this.log(`deployer: ${file} could not be written: ${describe(error)}`);
      }
    });
  }
}
