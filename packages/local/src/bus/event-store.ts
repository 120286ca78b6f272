import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GroupCommitFile, syncDirectory } from './durable-file';
import type { EventBridgeEvent } from './types';

/** A rule target an event was routed to when it was put. */
export interface DeliveryAddress {
  readonly ruleName: string;
  readonly targetId: string;
}

/** An event as it is stored: what was put, when, and the deliveries it owes. */
export interface StoredEvent {
  readonly seq: number;
  readonly eventBusName: string;
  /** Epoch milliseconds at which the bus accepted the event. */
  readonly ingestedAt: number;
  readonly event: EventBridgeEvent;
  /** The event serialized once, in AWS's key order. */
  readonly eventJson: string;
  readonly deliveries: readonly DeliveryAddress[];
}

/** A delivery still owed after a restart: the event, which of its deliveries, attempts already made. */
export interface RecoveredDelivery {
  readonly stored: StoredEvent;
  readonly index: number;
  readonly attempts: number;
}

export interface NewEvent {
  readonly eventBusName: string;
  readonly event: EventBridgeEvent;
  readonly eventJson: string;
  readonly deliveries: readonly DeliveryAddress[];
}

export interface EventStoreOptions {
  /** A new segment file is started once the current one passes this size. Default 32 MiB. */
  readonly segmentBytes?: number;
}

interface Segment {
  readonly name: string;
  pending: number;
}

type LogRecord =
  | { t: 'e'; s: number; b: string; at: number; d: [string, string][]; ev: EventBridgeEvent }
  | { t: 'd'; s: number; k: number }
  | { t: 'a'; s: number; k: number; n: number };

const SEGMENT_SUFFIX = '.log';

/**
 * The bus's durable event log: append-only segment files of JSON lines, written with group commit.
 * An event is stored with the list of deliveries it owes; completion and attempt records are appended
 * lazily. Segments whose deliveries are all complete are deleted, oldest first.
 */
export class EventStore {
  private nextSeq: number;
  private readonly segments: Segment[];
  /** Events still owing deliveries: their segment and how many deliveries remain. */
  private readonly owed = new Map<number, { segment: Segment; remaining: number }>();
  private active: GroupCommitFile;
  private activeSegment: Segment;
  private rolling: Promise<void> | undefined;
  private readonly segmentBytes: number;

  private constructor(
    private readonly dir: string,
    state: { nextSeq: number; segments: Segment[]; active: GroupCommitFile; activeSegment: Segment },
    options: EventStoreOptions,
  ) {
    this.nextSeq = state.nextSeq;
    this.segments = state.segments;
    this.active = state.active;
    this.activeSegment = state.activeSegment;
    this.segmentBytes = options.segmentBytes ?? 32 * 1024 * 1024;
  }

  /** Opens the log in `dir`, replaying it: returns the store and every delivery still owed. */
  static async open(
    dir: string,
    options: EventStoreOptions = {},
  ): Promise<{ store: EventStore; recovered: RecoveredDelivery[] }> {
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((name) => name.endsWith(SEGMENT_SUFFIX)).sort();
    const events = new Map<
      number,
      { stored: StoredEvent; segment: Segment; done: Set<number>; attempts: Map<number, number> }
    >();
    const segments: Segment[] = [];
    let maxSeq = 0;
    for (const name of names) {
      const segment: Segment = { name, pending: 0 };
      segments.push(segment);
      const text = await readFile(path.join(dir, name), 'utf8');
      for (const line of text.split('\n')) {
        if (line.length === 0) continue;
        let record: LogRecord;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          continue; // a torn write at the end of a segment: that event was never acknowledged
        }
        if (record.t === 'e') {
          maxSeq = Math.max(maxSeq, record.s);
          const stored: StoredEvent = {
            seq: record.s,
            eventBusName: record.b,
            ingestedAt: record.at,
            event: record.ev,
            eventJson: JSON.stringify(record.ev),
            deliveries: record.d.map(([ruleName, targetId]) => ({ ruleName, targetId })),
          };
          events.set(record.s, { stored, segment, done: new Set(), attempts: new Map() });
        } else if (record.t === 'd') {
          events.get(record.s)?.done.add(record.k);
        } else if (record.t === 'a') {
          events.get(record.s)?.attempts.set(record.k, record.n);
        }
      }
    }
    const recovered: RecoveredDelivery[] = [];
    const owedBySeq = new Map<number, { segment: Segment; remaining: number }>();
    for (const { stored, segment, done, attempts } of events.values()) {
      let owed = 0;
      stored.deliveries.forEach((_, index) => {
        if (done.has(index)) return;
        owed += 1;
        recovered.push({ stored, index, attempts: attempts.get(index) ?? 0 });
      });
      if (owed > 0) {
        segment.pending += owed;
        owedBySeq.set(stored.seq, { segment, remaining: owed });
      }
    }
    recovered.sort((a, b) => a.stored.seq - b.stored.seq || a.index - b.index);
    const nextSeq = maxSeq + 1;
    const activeName = segmentName(nextSeq);
    let activeSegment = segments.find((segment) => segment.name === activeName);
    if (!activeSegment) {
      activeSegment = { name: activeName, pending: 0 };
      segments.push(activeSegment);
    }
    const active = await GroupCommitFile.open(path.join(dir, activeName));
    await syncDirectory(dir);
    const store = new EventStore(dir, { nextSeq, segments, active, activeSegment }, options);
    for (const [seq, owed] of owedBySeq) store.owed.set(seq, owed);
    await store.deleteCompletedSegments();
    return { store, recovered };
  }

  /** Stores events durably (one group-committed write), in order; resolves once they are on disk. */
  async append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    if (this.rolling) await this.rolling;
    const ingestedAt = Date.now();
    const segment = this.activeSegment;
    const stored: StoredEvent[] = [];
    let text = '';
    for (const item of events) {
      const seq = this.nextSeq++;
      const record: StoredEvent = { seq, ingestedAt, ...item };
      stored.push(record);
      const addresses = JSON.stringify(item.deliveries.map((d) => [d.ruleName, d.targetId]));
      text += `{"t":"e","s":${seq},"b":${JSON.stringify(item.eventBusName)},"at":${ingestedAt},"d":${addresses},"ev":${item.eventJson}}\n`;
      if (item.deliveries.length > 0) {
        segment.pending += item.deliveries.length;
        this.owed.set(seq, { segment, remaining: item.deliveries.length });
      }
    }
    const file = this.active;
    await file.append(text);
    if (file.bytes >= this.segmentBytes && !this.rolling && file === this.active) {
      this.rolling = this.roll().finally(() => {
        this.rolling = undefined;
      });
    }
    return stored;
  }

  /** Records that a delivery is complete (delivered or handed to the dead-letter sink). */
  markDone(seq: number, index: number): void {
    this.active.appendLazy(`{"t":"d","s":${seq},"k":${index}}\n`);
    const owed = this.owed.get(seq);
    if (!owed) return;
    owed.remaining -= 1;
    if (owed.remaining <= 0) this.owed.delete(seq);
    owed.segment.pending -= 1;
    if (owed.segment.pending <= 0) void this.deleteCompletedSegments();
  }

  /** Records how many attempts a delivery has had, so a restart keeps counting. */
  recordAttempts(seq: number, index: number, attempts: number): void {
    this.active.appendLazy(`{"t":"a","s":${seq},"k":${index},"n":${attempts}}\n`);
  }

  /** Number of segment files currently kept. */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Number of stored events that still owe at least one delivery. */
  get owedEvents(): number {
    return this.owed.size;
  }

  async close(): Promise<void> {
    if (this.rolling) await this.rolling;
    await this.active.close();
  }

  private async roll(): Promise<void> {
    const previous = this.active;
    const name = segmentName(this.nextSeq);
    const segment: Segment = { name, pending: 0 };
    this.active = await GroupCommitFile.open(path.join(this.dir, name));
    this.activeSegment = segment;
    this.segments.push(segment);
    await syncDirectory(this.dir);
    await previous.close();
    await this.deleteCompletedSegments();
  }

  private async deleteCompletedSegments(): Promise<void> {
    while (
      this.segments.length > 1 &&
      this.segments[0] !== this.activeSegment &&
      this.segments[0].pending <= 0
    ) {
      const [segment] = this.segments.splice(0, 1);
      await unlink(path.join(this.dir, segment.name)).catch(() => undefined);
    }
  }
}

function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}${SEGMENT_SUFFIX}`;
}
