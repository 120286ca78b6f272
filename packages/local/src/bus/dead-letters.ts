import { readFile } from 'node:fs/promises';
import { GroupCommitFile } from './durable-file';
import type { DeadLetter, DeadLetterSink } from './types';

/**
 * A durable, inspectable dead-letter store (JSON lines, fsync'd before the bus counts a dead letter
 * as handed over). The bus's default sink; a runtime may pass its own sink instead.
 */
export class FileDeadLetterStore {
  private constructor(
    private readonly file: GroupCommitFile,
    private readonly records: DeadLetter[],
  ) {}

  static async open(filePath: string): Promise<FileDeadLetterStore> {
    const records: DeadLetter[] = [];
    try {
      for (const line of (await readFile(filePath, 'utf8')).split('\n')) {
        if (!line) continue;
        try {
          records.push(JSON.parse(line) as DeadLetter);
        } catch {
          // torn last line
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new FileDeadLetterStore(await GroupCommitFile.open(filePath), records);
  }

  /** The sink to give the bus. */
  readonly sink: DeadLetterSink = async (deadLetter) => {
    await this.file.append(`${JSON.stringify(deadLetter)}\n`);
    this.records.push(deadLetter);
  };

  /** Dead letters, oldest first, optionally only those of one rule (and target). */
  list(filter: { ruleName?: string; targetId?: string; eventBusName?: string } = {}): DeadLetter[] {
    return this.records.filter(
      (record) =>
        (filter.ruleName === undefined || record.ruleName === filter.ruleName) &&
        (filter.targetId === undefined || record.targetId === filter.targetId) &&
        (filter.eventBusName === undefined || record.eventBusName === filter.eventBusName),
    );
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
