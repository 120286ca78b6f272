/**
 * CloudWatch's statistics over stored data points: pure functions, no I/O. A data point is either raw
 * (values, each with a count, as `Values`/`Counts` or a single `Value`) or a statistic set (`StatisticValues`);
 * percentiles need raw values, as in CloudWatch.
 */

/** One stored data point of a metric; `t` is epoch milliseconds. */
export type DataPoint =
  | { readonly t: number; readonly values: readonly number[]; readonly counts: readonly number[] }
  | {
      readonly t: number;
      readonly set: {
        readonly sampleCount: number;
        readonly sum: number;
        readonly minimum: number;
        readonly maximum: number;
      };
    };

/** A statistic as GetMetricData names it: `Sum`, `SampleCount`, `Average`, `Minimum`, `Maximum` or `pNN(.NN)`. */
export type Statistic =
  | { readonly kind: 'Sum' | 'SampleCount' | 'Average' | 'Minimum' | 'Maximum' }
  | { readonly kind: 'percentile'; readonly percentile: number };

const SIMPLE = ['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum'] as const;
const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,2})?|100)$/;

/** Parses a statistic name; `undefined` when CloudWatch would not know it (or the local one does not serve it). */
export function parseStatistic(name: string): Statistic | undefined {
  for (const simple of SIMPLE) if (name === simple) return { kind: simple };
  const match = PERCENTILE.exec(name);
  if (!match) return undefined;
  const percentile = Number(match[1]);
  if (!(percentile > 0 && percentile <= 100)) return undefined;
  return { kind: 'percentile', percentile };
}

/**
 * The `p`th percentile of weighted samples, by nearest rank: the smallest value whose cumulative count reaches
 * `p`% of all samples (p50 of 1,2,3,4 is 2; p100 is the maximum).
 */
export function percentile(
  samples: readonly { value: number; count: number }[],
  p: number,
): number | undefined {
  const sorted = samples.filter((sample) => sample.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, sample) => sum + sample.count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const sample of sorted) {
    seen += sample.count;
    if (seen >= rank) return sample.value;
  }
  return sorted[sorted.length - 1]?.value;
}

/** The statistic over some data points; `undefined` when there is none to compute it from. */
export function computeStatistic(points: readonly DataPoint[], statistic: Statistic): number | undefined {
  if (points.length === 0) return undefined;
  if (statistic.kind === 'percentile') {
    const samples: { value: number; count: number }[] = [];
    for (const point of points) {
      if ('set' in point) return undefined; // a statistic set carries no distribution
      point.values.forEach((value, i) => {
        samples.push({ value, count: point.counts[i] ?? 1 });
      });
    }
    return percentile(samples, statistic.percentile);
  }
  let sampleCount = 0;
  let sum = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    if ('set' in point) {
      sampleCount += point.set.sampleCount;
      sum += point.set.sum;
      minimum = Math.min(minimum, point.set.minimum);
      maximum = Math.max(maximum, point.set.maximum);
      continue;
    }
    point.values.forEach((value, i) => {
      const count = point.counts[i] ?? 1;
      if (count <= 0) return;
      sampleCount += count;
      sum += value * count;
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
    });
  }
  if (sampleCount === 0) return undefined;
  switch (statistic.kind) {
    case 'Sum':
      return sum;
    case 'SampleCount':
      return sampleCount;
    case 'Average':
      return sum / sampleCount;
    case 'Minimum':
      return minimum;
    case 'Maximum':
      return maximum;
  }
}

/** One period's value: `timestamp` is the period's start, epoch milliseconds. */
export interface PeriodValue {
  readonly timestamp: number;
  readonly value: number;
}

/**
 * The statistic per period over `[startMs, endMs)`. As in CloudWatch, the start is rounded down to the whole minute
 * (to the second for periods under a minute) and periods run from there; only periods with data appear, oldest
 * first.
 */
export function aggregate(
  points: readonly DataPoint[],
  statistic: Statistic,
  window: { readonly startMs: number; readonly endMs: number; readonly periodSeconds: number },
): PeriodValue[] {
  const periodMs = window.periodSeconds * 1000;
  const unit = window.periodSeconds >= 60 ? 60_000 : 1000;
  const origin = Math.floor(window.startMs / unit) * unit;
  const buckets = new Map<number, DataPoint[]>();
  for (const point of points) {
    if (point.t < origin || point.t >= window.endMs) continue;
    const start = origin + Math.floor((point.t - origin) / periodMs) * periodMs;
    const bucket = buckets.get(start);
    if (bucket) bucket.push(point);
    else buckets.set(start, [point]);
  }
  const values: PeriodValue[] = [];
  for (const [timestamp, bucket] of [...buckets].sort((a, b) => a[0] - b[0])) {
    const value = computeStatistic(bucket, statistic);
    if (value !== undefined) values.push({ timestamp, value });
  }
  return values;
}
