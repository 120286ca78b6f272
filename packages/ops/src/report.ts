/** What a restore did (or, in a dry run, would do) to each thing it looked at. */

/** Outcome of one item of a restore. */
export const Outcome = {
  /** Missing and written from the backups or manifests. */
  CREATED: 'created',
  /** Present but incomplete or stale, and brought in line (a mapping, added versions, a forced replacement). */
  UPDATED: 'updated',
  /** Already matches. */
  UNCHANGED: 'unchanged',
  /** Present with newer content than the backups: kept as it is. */
  KEPT: 'kept',
  /** Differs from the backups and was not overwritten (`--force` overwrites). */
  CONFLICT: 'conflict',
  /** Could not be restored: a bad backup, a failed call. */
  FAILED: 'failed',
  /** Left alone on purpose (a deleted event type without `--include-deleted`). */
  SKIPPED: 'skipped',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The stores a restore writes, in the order it writes them. */
export const Store = {
  BACKUPS: 'backups',
  REGISTRY: 'registry',
  TABLE: 'table',
  MANIFESTS: 'manifests',
} as const;
export type Store = (typeof Store)[keyof typeof Store];

export interface RestoreItem {
  readonly store: Store;
  /** What the item is: `order_placed` (a schema or an event type), `order_placed v2`, `subscription {id}`. */
  readonly subject: string;
  readonly outcome: Outcome;
  readonly detail?: string;
  /** The object key the item comes from or is about (always set for a bad backup). */
  readonly key?: string;
}

export interface RestoreReport {
  readonly environment: string;
  readonly dryRun: boolean;
  /** ISO-8601 time the backups and manifests were read as of, when not now. */
  readonly asOf?: string;
  readonly stores: readonly Store[];
  readonly items: readonly RestoreItem[];
  readonly summary: Readonly<Record<Outcome, number>>;
  /** 0 when everything was restored or unchanged, 1 when anything conflicted or failed. */
  readonly exitCode: 0 | 1;
}

export function summarize(items: readonly RestoreItem[]): Record<Outcome, number> {
  const summary = Object.fromEntries(Object.values(Outcome).map((outcome) => [outcome, 0])) as Record<
    Outcome,
    number
  >;
  for (const item of items) summary[item.outcome] += 1;
  return summary;
}

export function exitCodeOf(items: readonly RestoreItem[]): 0 | 1 {
  return items.some((item) => item.outcome === Outcome.CONFLICT || item.outcome === Outcome.FAILED) ? 1 : 0;
}

/** The report as text for people: one line per item, then the summary. */
export function formatRestoreReport(report: RestoreReport): string {
  const title = `Restore of environment ${report.environment} (${report.stores.join(', ')})${
    report.asOf === undefined ? '' : ` as of ${report.asOf}`
  }${report.dryRun ? ': dry run, nothing written' : ''}`;
  const width = Math.max(8, ...report.items.map((item) => item.subject.length));
  const lines = report.items.map((item) =>
    [
      `  ${item.store.padEnd(9)} ${item.subject.padEnd(width)} ${item.outcome.padEnd(9)}`,
      item.detail ?? '',
      item.key === undefined ? '' : `[${item.key}]`,
    ]
      .filter((part) => part !== '')
      .join(' '),
  );
  const summary = Object.entries(report.summary)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  return [title, ...lines, `Summary: ${summary}`].join('\n');
}
