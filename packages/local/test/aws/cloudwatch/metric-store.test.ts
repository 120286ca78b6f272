import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetricStore } from '../../../src/aws/cloudwatch/metric-store';
import { aggregate, type Statistic } from '../../../src/aws/cloudwatch/statistics';
import { GroupCommitFile } from '../../../src/bus/durable-file';

describe('the metric store', () => {
  it('prunes a series of hundreds of thousands of points', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      const metric = { namespace: 'N', metricName: 'M', dimensions: [] };
      const now = Date.UTC(2026, 0, 20);
      const store = await MetricStore.open(dir, { retentionDays: 1, now: () => now });
      const kept = Array.from({ length: 200_000 }, (_, i) => ({
        t: now - 200_000 + i,
        values: [1],
        counts: [1],
      }));
      await store.put(metric, [{ t: now - 2 * 86_400_000, values: [1], counts: [1] }, ...kept]);

      await store.prune();

      expect(store.points(metric)).toHaveLength(200_000);
      expect(store.points(metric)[0]).toEqual(kept[0]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes each point once when the runtime records while a prune rewrites the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      const metric = { namespace: 'AWS/Events', metricName: 'Invocations', dimensions: [] };
      const now = Date.UTC(2026, 0, 20, 10);
      const store = await MetricStore.open(dir, { retentionDays: 1, now: () => now, pruneIntervalMs: 5 });
      const series = store.seriesOf(metric, 'Count');
      let recorded = 0;
      for (let round = 0; round < 20; round++) {
        // An expired point, so that every prune drops something and rewrites the file.
        await store.put(metric, [{ t: now - 2 * 86_400_000, values: [1], counts: [1] }]);
        for (let i = 0; i < 50; i++) {
          store.recordValue(series, now - 1000 * (round * 50 + i + 1), 1);
          recorded += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await store.close();

      const reopened = await MetricStore.open(dir, { retentionDays: 1, now: () => now });
      const counted = reopened
        .points(metric)
        .reduce((sum, point) => sum + ('counts' in point ? point.counts.reduce((a, b) => a + b, 0) : 0), 0);
      expect(counted).toBe(recorded);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes what the runtime recorded in the current second when it closes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      const metric = { namespace: 'AWS/Events', metricName: 'Invocations', dimensions: [] };
      const now = Date.UTC(2026, 0, 20, 10, 0, 0, 250);
      const store = await MetricStore.open(dir, { now: () => now });
      const series = store.seriesOf(metric, 'Count');
      store.recordValue(series, now, 1);
      store.recordValue(series, now + 100, 1);
      await store.close();

      const reopened = await MetricStore.open(dir, { now: () => now });
      expect(reopened.points(metric)).toEqual([{ t: Date.UTC(2026, 0, 20, 10), values: [1], counts: [2] }]);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps what the runtime records at one-second resolution: one point of values with counts per series and second', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      const metric = {
        namespace: 'AWS/Events',
        metricName: 'Latency',
        dimensions: [{ name: 'RuleName', value: 'r' }],
      };
      const base = Date.UTC(2026, 0, 20, 10, 0, 0);
      const store = await MetricStore.open(dir, { now: () => base + 5_000 });
      const series = store.seriesOf(metric, 'Milliseconds');
      for (const [t, value] of [
        [base + 10, 5],
        [base + 400, 7],
        [base + 999, 5],
        [base + 1_000, 9],
      ] as const)
        store.recordValue(series, t, value);

      expect(store.points(metric)).toEqual([
        { t: base, values: [5, 7], counts: [2, 1] },
        { t: base + 1_000, values: [9], counts: [1] },
      ]);
      // Statistics read the counts: of 5, 5, 7, 9 the sum is 26, the count 4 and the median 5.
      const window = { startMs: base, endMs: base + 2_000, periodSeconds: 60 };
      const value = (statistic: Statistic) =>
        aggregate(store.points(metric), statistic, window).map((p) => p.value);
      expect(value({ kind: 'Sum' })).toEqual([26]);
      expect(value({ kind: 'SampleCount' })).toEqual([4]);
      expect(value({ kind: 'percentile', percentile: 50 })).toEqual([5]);
      await store.close();

      const reopened = await MetricStore.open(dir, { now: () => base + 5_000 });
      expect(reopened.points(metric)).toEqual(store.points(metric));
      expect(reopened.list({ namespace: 'AWS/Events' })).toEqual([metric]);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores the points of several metrics with one write to its file, and keeps them across a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      const now = Date.UTC(2026, 0, 20, 10);
      const metrics = Array.from({ length: 20 }, (_, i) => ({
        identity: {
          namespace: 'Team/Orders',
          metricName: `M${i}`,
          dimensions: [{ name: 'Shop', value: 'S1' }],
        },
        points: [{ t: now - 1000 * i, values: [i], counts: [1] }],
      }));
      const store = await MetricStore.open(dir, { now: () => now });
      const appends = jest.spyOn(GroupCommitFile.prototype, 'append');
      try {
        await store.putAll(metrics);
        expect(appends).toHaveBeenCalledTimes(1);
      } finally {
        appends.mockRestore();
      }
      await store.close();

      const reopened = await MetricStore.open(dir, { now: () => now });
      for (const { identity, points } of metrics) expect(reopened.points(identity)).toEqual(points);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops data points older than its retention when it opens', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-metrics-'));
    try {
      let now = Date.UTC(2026, 0, 20);
      const metric = { namespace: 'N', metricName: 'M', dimensions: [] };
      const first = await MetricStore.open(dir, { retentionDays: 2, now: () => now });
      await first.put(metric, [
        { t: Date.UTC(2026, 0, 17), values: [1], counts: [1] },
        { t: Date.UTC(2026, 0, 19), values: [2], counts: [1] },
      ]);
      expect(first.points(metric)).toHaveLength(2);
      await first.close();
      now = Date.UTC(2026, 0, 20, 1);
      const second = await MetricStore.open(dir, { retentionDays: 2, now: () => now });
      expect(second.points(metric).map((p) => p.t)).toEqual([Date.UTC(2026, 0, 19)]);
      await second.close();
      const third = await MetricStore.open(dir, { retentionDays: 0, now: () => now });
      expect(third.points(metric)).toHaveLength(1);
      await third.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
