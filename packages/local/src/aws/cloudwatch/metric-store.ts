import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GroupCommitFile, writeFileAtomic } from '../../bus/durable-file';
import type { DataPoint } from './statistics';

/** A metric's identity: namespace, name and its exact set of dimensions. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by name when stored. */
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
}

/** A data point to record: raw values (with counts) or a statistic set, and the unit given with it. */
export type NewDataPoint = DataPoint & { readonly unit?: string };

/** CloudWatch keeps one-minute data 15 days: the local store's default retention. */
export const DEFAULT_METRIC_RETENTION_DAYS = 15;

interface Series {
  readonly identity: MetricIdentity;
  readonly points: DataPoint[];
}

/**
 * A metric the runtime records into again and again (a rule's `Invocations`, an event type's `Published`): its
 * identity normalized and keyed once, so that recording a value costs a map lookup. From {@link MetricStore.seriesOf}.
 */
export interface RecordedSeries {
  readonly key: string;
  readonly identity: MetricIdentity;
  readonly unit: string | undefined;
}

/** The values a series received within one second, not yet stored as a data point. */
interface OpenPoint {
  readonly series: RecordedSeries;
  /** The second (epoch milliseconds, a multiple of 1,000). */
  readonly t: number;
  /** Value → how many times it was recorded. */
  readonly values: Map<number, number>;
}

/** One line of the store's file. */
interface StoredLine {
  readonly n: string;
  readonly m: string;
  readonly d: [string, string][];
  readonly p: NewDataPoint;
}

export interface MetricStoreOptions {
  /** Days a data point is kept, by its timestamp (0: forever). @default DEFAULT_METRIC_RETENTION_DAYS */
  readonly retentionDays?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** How often expired points are dropped (and the file rewritten without them). @default one hour */
  readonly pruneIntervalMs?: number;
}

/** A data point of a (normalized) metric as one line of the store's file. */
function storedLine(identity: MetricIdentity, p: NewDataPoint): string {
  const d = identity.dimensions.map((dimension): [string, string] => [dimension.name, dimension.value]);
  return `${JSON.stringify({ n: identity.namespace, m: identity.metricName, d, p } satisfies StoredLine)}\n`;
}

function seriesKey(identity: MetricIdentity): string {
  return JSON.stringify([
    identity.namespace,
    identity.metricName,
    identity.dimensions.map((d) => [d.name, d.value]),
  ]);
}

function normalized(identity: MetricIdentity): MetricIdentity {
  return {
    namespace: identity.namespace,
    metricName: identity.metricName,
    dimensions: [...identity.dimensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/**
 * The local CloudWatch's data points: raw values kept as they were put (so percentiles are exact), one JSON line
 * each in `dir/metrics.jsonl`, fsync'd before `put` resolves, so a restart keeps them. Points older than the
 * retention are dropped when the store opens and then every `pruneIntervalMs`.
 *
 * What the runtime measures itself (`recordValue`) is kept at one-second resolution, the finest CloudWatch
 * stores: the values a series gets within a second become one data point of values with counts, so every statistic
 * (percentiles included) stays exact while a busy bus writes one line per series and second, not one per event.
 */
export class MetricStore {
  private readonly series = new Map<string, Series>();
  /** Per series key, the values recorded in the current second. */
  private readonly open = new Map<string, OpenPoint>();
  private sealTimer: NodeJS.Timeout | undefined;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> = Promise.resolve();
  /** `put` writes not yet on disk: a prune waits for them, so that its rewrite holds their points. */
  private readonly writing = new Set<Promise<void>>();
  /** While a prune rewrites the file, the lines of points stored after its snapshot (written to the new file). */
  private rewriting: string[] | undefined;
  private closed = false;

  private constructor(
    private readonly filePath: string,
    private file: GroupCommitFile,
    options: MetricStoreOptions,
  ) {
    const days = options.retentionDays ?? DEFAULT_METRIC_RETENTION_DAYS;
    this.retentionMs = days === 0 ? Number.POSITIVE_INFINITY : days * 86_400_000;
    this.now = options.now ?? Date.now;
    if (Number.isFinite(this.retentionMs)) {
      this.timer = setInterval(() => {
        this.pruning = this.pruning.then(() => this.prune()).catch(() => undefined);
      }, options.pruneIntervalMs ?? 3_600_000);
      this.timer.unref();
    }
  }

  static async open(dir: string, options: MetricStoreOptions = {}): Promise<MetricStore> {
    const filePath = path.join(dir, 'metrics.jsonl');
    const lines: StoredLine[] = [];
    try {
      for (const line of (await readFile(filePath, 'utf8')).split('\n')) {
        if (!line) continue;
        try {
          lines.push(JSON.parse(line) as StoredLine);
        } catch {
          // a torn last line: GroupCommitFile cuts it off on open
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const store = new MetricStore(filePath, await GroupCommitFile.open(filePath), options);
    for (const line of lines) {
      store.add(
        {
          namespace: line.n,
          metricName: line.m,
          dimensions: line.d.map(([name, value]) => ({ name, value })),
        },
        line.p,
      );
    }
    await store.prune();
    return store;
  }

  /** Records data points of one metric; resolves once they are on disk. */
  async put(identity: MetricIdentity, points: readonly NewDataPoint[]): Promise<void> {
    await this.putAll([{ identity, points }]);
  }

  /** Records data points of several metrics with one write; resolves once they are all on disk. */
  async putAll(
    metrics: readonly { readonly identity: MetricIdentity; readonly points: readonly NewDataPoint[] }[],
  ): Promise<void> {
    if (this.closed) throw new Error('The metric store is closed.');
    await this.pruning; // a prune swaps the file
    const normalizedMetrics = metrics.map(({ identity, points }) => ({
      metric: normalized(identity),
      points,
    }));
    const text = normalizedMetrics
      .map(({ metric, points }) => points.map((p) => storedLine(metric, p)).join(''))
      .join('');
    const write = this.file.append(text);
    this.writing.add(write);
    try {
      await write;
    } finally {
      this.writing.delete(write);
    }
    for (const { metric, points } of normalizedMetrics) for (const point of points) this.add(metric, point);
  }

  /** The handle of a metric the runtime records into; keep it, it is what makes `recordValue` cheap. */
  seriesOf(identity: MetricIdentity, unit?: string): RecordedSeries {
    const normalizedIdentity = normalized(identity);
    return { key: seriesKey(normalizedIdentity), identity: normalizedIdentity, unit };
  }

  /**
   * Records one value the runtime itself measured (EventBridge's, the broker's) at `t`: merged into the series'
   * point of that second, which is written with a later flush without being waited for, so that recording never
   * slows an event down.
   */
  recordValue(series: RecordedSeries, t: number, value: number, count = 1): void {
    if (this.closed) return;
    const second = Math.floor(t / 1000) * 1000;
    let point = this.open.get(series.key);
    if (point !== undefined && point.t !== second) {
      this.seal(point);
      point = undefined;
    }
    if (point === undefined) {
      point = { series, t: second, values: new Map() };
      this.open.set(series.key, point);
      this.scheduleSeal();
    }
    point.values.set(value, (point.values.get(value) ?? 0) + count);
  }

  /** The data points of exactly this metric (same dimensions, in any order), oldest first. */
  points(identity: MetricIdentity): readonly DataPoint[] {
    this.sealAll();
    return this.series.get(seriesKey(normalized(identity)))?.points ?? [];
  }

  /** Every metric, optionally only those of a namespace / name / having these dimensions (a value optional). */
  list(filter: {
    readonly namespace?: string;
    readonly metricName?: string;
    readonly dimensions?: readonly { readonly name: string; readonly value?: string }[];
  }): MetricIdentity[] {
    this.sealAll();
    const found: MetricIdentity[] = [];
    for (const { identity } of this.series.values()) {
      if (filter.namespace !== undefined && identity.namespace !== filter.namespace) continue;
      if (filter.metricName !== undefined && identity.metricName !== filter.metricName) continue;
      const matches = (filter.dimensions ?? []).every((wanted) =>
        identity.dimensions.some(
          (d) => d.name === wanted.name && (wanted.value === undefined || d.value === wanted.value),
        ),
      );
      if (matches) found.push(identity);
    }
    return found;
  }

  /**
   * Drops points older than the retention and rewrites the file without them: from a snapshot of what is in memory
   * (writes under way included), while points stored meanwhile go to the new file once it is in place.
   */
  async prune(): Promise<void> {
    if (this.closed || !Number.isFinite(this.retentionMs)) return;
    await Promise.allSettled([...this.writing]);
    const oldest = this.now() - this.retentionMs;
    let dropped = 0;
    for (const [key, series] of this.series) {
      // Points are kept in time order: the expired ones are a prefix.
      const expired = series.points.findIndex((point) => point.t >= oldest);
      const count = expired === -1 ? series.points.length : expired;
      dropped += count;
      if (count === series.points.length) this.series.delete(key);
      else if (count > 0) series.points.splice(0, count);
    }
    if (dropped === 0) return;
    const lines: string[] = [];
    for (const { identity, points } of this.series.values()) {
      for (const p of points) lines.push(storedLine(identity, p));
    }
    this.rewriting = [];
    try {
      await this.file.close();
      await writeFileAtomic(this.filePath, lines.join(''));
    } finally {
      this.file = await GroupCommitFile.open(this.filePath);
      const later = this.rewriting;
      this.rewriting = undefined;
      for (const line of later) this.file.appendLazy(line);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.sealTimer);
    // Sealed before waiting for a prune under way: their lines reach its new file before the file closes.
    this.sealAll();
    await this.pruning;
    this.closed = true;
    await this.file.close();
  }

  /** Stores a point of the runtime's own: in memory now, on disk with the file's next flush. */
  private store(series: RecordedSeries, point: DataPoint): void {
    const { identity } = series;
    const line = storedLine(identity, series.unit === undefined ? point : { ...point, unit: series.unit });
    if (this.rewriting !== undefined) this.rewriting.push(line);
    else this.file.appendLazy(line);
    this.add(identity, point, series.key);
  }

  private seal(point: OpenPoint): void {
    if (this.open.get(point.series.key) === point) this.open.delete(point.series.key);
    this.store(point.series, {
      t: point.t,
      values: [...point.values.keys()],
      counts: [...point.values.values()],
    });
  }

  private sealAll(): void {
    for (const point of [...this.open.values()]) this.seal(point);
  }

  /** Seals the points of past seconds once a second while any is open. */
  private scheduleSeal(): void {
    if (this.sealTimer !== undefined) return;
    this.sealTimer = setTimeout(() => {
      this.sealTimer = undefined;
      const second = Math.floor(this.now() / 1000) * 1000;
      for (const point of [...this.open.values()]) if (point.t < second) this.seal(point);
      if (this.open.size > 0) this.scheduleSeal();
    }, 1000);
    this.sealTimer.unref();
  }

  private add(identity: MetricIdentity, point: NewDataPoint, key = seriesKey(identity)): void {
    let series = this.series.get(key);
    if (!series) {
      series = { identity, points: [] };
      this.series.set(key, series);
    }
    const { unit: _unit, ...stored } = point;
    const points = series.points;
    // Kept in time order; points usually arrive in order, so this is an append.
    let at = points.length;
    while (at > 0 && (points[at - 1] as DataPoint).t > stored.t) at -= 1;
    points.splice(at, 0, stored as DataPoint);
  }
}
