import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { type CompiledPattern, compile } from '@bridgeport/event-patterns';
import { GroupCommitFile, writeFileAtomic } from './durable-file';
import { BusResourceNotFoundError, BusValidationError } from './errors';
import type { EventBridgeEvent } from './types';

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** An archive of a bus, as `DescribeArchive` shows it. */
export interface ArchiveDescription {
  readonly ArchiveName: string;
  readonly ArchiveArn: string;
  readonly EventSourceArn: string;
  readonly Description?: string;
  readonly EventPattern?: string;
  readonly State: 'ENABLED';
  /** 0 keeps events forever. */
  readonly RetentionDays: number;
  readonly SizeBytes: number;
  readonly EventCount: number;
  /** Epoch milliseconds. */
  readonly CreationTime: number;
}

/** What an archive is made from. */
export interface ArchiveDefinition {
  readonly name: string;
  readonly busName: string;
  readonly busArn: string;
  readonly archiveArn: string;
  readonly description?: string;
  readonly eventPattern?: string;
  readonly retentionDays: number;
}

/** An archived event: the event and when the bus accepted it. */
export interface ArchivedEvent {
  /** Epoch milliseconds the bus accepted the event. */
  readonly at: number;
  readonly event: EventBridgeEvent;
}

interface StoredArchive extends ArchiveDefinition {
  readonly creationTime: number;
}

interface OpenArchive {
  definition: StoredArchive;
  pattern: CompiledPattern | undefined;
  files: Map<string, GroupCommitFile>;
  /** Appends whose file is still being opened. */
  opening: Set<Promise<void>>;
  /** Day files being opened (one open per file, however many events wait for it). */
  openingFiles: Map<string, Promise<GroupCommitFile>>;
  eventCount: number;
  sizeBytes: number;
}

/**
 * The bus's archives, kept as EventBridge keeps them: every event the bus accepts that matches an archive's
 * pattern is stored (one JSON-lines file per UTC day), and days older than the archive's retention are deleted.
 * Replays read from here. Archiving rides along with the event log's next flush (it is not waited for).
 */
export class EventArchives {
  private constructor(
    private readonly dir: string,
    private readonly archives: Map<string, OpenArchive>,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, options: { readonly now?: () => number } = {}): Promise<EventArchives> {
    const archives = new Map<string, OpenArchive>();
    let stored: StoredArchive[] = [];
    try {
      stored = JSON.parse(await readFile(path.join(dir, 'archives.json'), 'utf8')) as StoredArchive[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const opened = new EventArchives(dir, archives, options.now ?? Date.now);
    for (const definition of stored) {
      const archive = opened.load(definition);
      for (const day of await opened.days(definition.name)) {
        const text = await readFile(path.join(dir, definition.name, `${day}.jsonl`), 'utf8');
        for (const line of text.split('\n')) {
          if (line === '') continue;
          archive.eventCount += 1;
          archive.sizeBytes += Buffer.byteLength(line);
        }
      }
    }
    await opened.sweep();
    return opened;
  }

  /** Creates the archive, or changes its retention, description and pattern when it exists. */
  async ensure(definition: ArchiveDefinition): Promise<void> {
    const existing = this.archives.get(definition.name);
    this.load({ ...definition, creationTime: existing?.definition.creationTime ?? this.now() }, existing);
    await this.persist();
    await this.sweep();
  }

  list(
    filter: { readonly namePrefix?: string; readonly eventSourceArn?: string } = {},
  ): ArchiveDescription[] {
    return [...this.archives.values()]
      .filter(
        ({ definition }) =>
          (filter.namePrefix === undefined || definition.name.startsWith(filter.namePrefix)) &&
          (filter.eventSourceArn === undefined || definition.busArn === filter.eventSourceArn),
      )
      .map((archive) => describe(archive))
      .sort((a, b) => a.ArchiveName.localeCompare(b.ArchiveName));
  }

  /** `DescribeArchive`; throws `ResourceNotFoundException` for an unknown name or ARN. */
  describe(nameOrArn: string): ArchiveDescription {
    return describe(this.require(nameOrArn));
  }

  /** The oldest time events are still kept for (epoch ms): the retention's start, or the archive's creation. */
  keptSince(nameOrArn: string): number {
    const { definition } = this.require(nameOrArn);
    const retained = definition.retentionDays === 0 ? 0 : this.now() - definition.retentionDays * DAY_MS;
    return Math.max(retained, definition.creationTime - 1000);
  }

  /** Archives the events the bus accepted (those matching each archive of their bus). */
  record(
    busName: string,
    events: readonly { readonly event: EventBridgeEvent; readonly eventJson: string }[],
  ): void {
    const at = this.now();
    for (const archive of this.archives.values()) {
      if (archive.definition.busName !== busName) continue;
      let text = '';
      for (const { event, eventJson } of events) {
        if (archive.pattern !== undefined && !archive.pattern.matches(event)) continue;
        const line = `{"at":${at},"ev":${eventJson}}`;
        text += `${line}\n`;
        archive.eventCount += 1;
        archive.sizeBytes += Buffer.byteLength(line);
      }
      if (text === '') continue;
      const day = dayOf(at);
      const open = archive.files.get(day);
      // Straight to the open file, unless earlier events still wait for a file to open (their order is kept).
      if (open !== undefined && archive.opening.size === 0) {
        open.appendLazy(text);
        continue;
      }
      const appending: Promise<void> = this.file(archive, day)
        .then((file) => file.appendLazy(text))
        .finally(() => archive.opening.delete(appending));
      archive.opening.add(appending);
    }
  }

  /** Archived events whose `time` is in [fromMs, toMs), in the order the bus accepted them. */
  async *read(nameOrArn: string, fromMs: number, toMs: number): AsyncGenerator<ArchivedEvent> {
    const archive = this.require(nameOrArn);
    await Promise.allSettled([...archive.opening]);
    for (const file of archive.files.values()) await file.sync();
    const name = archive.definition.name;
    // Files are by acceptance day; an event's time may precede its acceptance a little.
    const first = dayOf(fromMs - DAY_MS);
    const last = dayOf(toMs + DAY_MS);
    for (const day of await this.days(name)) {
      if (day < first || day > last) continue;
      const text = await readFile(path.join(this.dir, name, `${day}.jsonl`), 'utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        let record: { at: number; ev: EventBridgeEvent };
        try {
          record = JSON.parse(line) as { at: number; ev: EventBridgeEvent };
        } catch {
          continue; // a torn last line
        }
        const time = Date.parse(record.ev.time);
        if (time >= fromMs && time < toMs) yield { at: record.at, event: record.ev };
      }
    }
  }

  /** Deletes the days every archive's retention has passed. */
  async sweep(): Promise<void> {
    for (const archive of this.archives.values()) {
      const { retentionDays, name } = archive.definition;
      if (retentionDays === 0) continue;
      const oldest = dayOf(this.now() - retentionDays * DAY_MS);
      for (const day of await this.days(name)) {
        if (day >= oldest) continue;
        const file = archive.files.get(day);
        archive.files.delete(day);
        await file?.close();
        const filePath = path.join(this.dir, name, `${day}.jsonl`);
        const text = await readFile(filePath, 'utf8').catch(() => '');
        for (const line of text.split('\n')) {
          if (line === '') continue;
          archive.eventCount -= 1;
          archive.sizeBytes -= Buffer.byteLength(line);
        }
        await rm(filePath, { force: true });
      }
    }
  }

  async close(): Promise<void> {
    for (const archive of this.archives.values()) {
      await Promise.allSettled([...archive.opening]);
      for (const file of archive.files.values()) await file.close();
      archive.files.clear();
    }
  }

  private load(definition: StoredArchive, existing?: OpenArchive): OpenArchive {
    if (definition.retentionDays < 0 || !Number.isInteger(definition.retentionDays)) {
      throw new BusValidationError('RetentionDays must be a whole number of days, 0 or more.');
    }
    const archive: OpenArchive = {
      definition,
      pattern: definition.eventPattern === undefined ? undefined : compile(definition.eventPattern),
      files: existing?.files ?? new Map(),
      opening: existing?.opening ?? new Set(),
      openingFiles: existing?.openingFiles ?? new Map(),
      eventCount: existing?.eventCount ?? 0,
      sizeBytes: existing?.sizeBytes ?? 0,
    };
    this.archives.set(definition.name, archive);
    return archive;
  }

  private require(nameOrArn: string): OpenArchive {
    const name = nameOrArn.startsWith('arn:')
      ? nameOrArn.slice(nameOrArn.indexOf(':archive/') + 9)
      : nameOrArn;
    const archive = this.archives.get(name);
    if (archive === undefined) throw new BusResourceNotFoundError(`Archive ${name} does not exist.`);
    return archive;
  }

  private file(archive: OpenArchive, day: string): Promise<GroupCommitFile> {
    const file = archive.files.get(day);
    if (file !== undefined) return Promise.resolve(file);
    let opening = archive.openingFiles.get(day);
    if (opening === undefined) {
      opening = GroupCommitFile.open(path.join(this.dir, archive.definition.name, `${day}.jsonl`))
        .then((opened) => {
          archive.files.set(day, opened);
          return opened;
        })
        .finally(() => archive.openingFiles.delete(day));
      archive.openingFiles.set(day, opening);
    }
    return opening;
  }

  private async days(name: string): Promise<string[]> {
    try {
      return (await readdir(path.join(this.dir, name)))
        .flatMap((file) => DAY_FILE.exec(file)?.[1] ?? [])
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async persist(): Promise<void> {
    await writeFileAtomic(
      path.join(this.dir, 'archives.json'),
      JSON.stringify([...this.archives.values()].map((archive) => archive.definition)),
    );
  }
}

function describe(archive: OpenArchive): ArchiveDescription {
  const { definition } = archive;
  return {
    ArchiveName: definition.name,
    ArchiveArn: definition.archiveArn,
    EventSourceArn: definition.busArn,
    ...(definition.description === undefined ? {} : { Description: definition.description }),
    ...(definition.eventPattern === undefined ? {} : { EventPattern: definition.eventPattern }),
    State: 'ENABLED',
    RetentionDays: definition.retentionDays,
    SizeBytes: archive.sizeBytes,
    EventCount: archive.eventCount,
    CreationTime: definition.creationTime,
  };
}

let dayStart = Number.NaN;
let dayName = '';

/** The UTC day of an instant, `YYYY-MM-DD` (formatted once per day). */
function dayOf(ms: number): string {
  const at = Math.max(0, ms);
  if (!(at >= dayStart && at < dayStart + DAY_MS)) {
    dayStart = at - (at % DAY_MS);
    dayName = new Date(dayStart).toISOString().slice(0, 10);
  }
  return dayName;
}
