import {
  aggregate,
  computeStatistic,
  type DataPoint,
  parseStatistic,
  percentile,
} from '../../../src/aws/cloudwatch/statistics';

const raw = (t: number, ...values: number[]): DataPoint => ({ t, values, counts: values.map(() => 1) });

describe('CloudWatch statistics', () => {
  it('names the statistics GetMetricData accepts and refuses others', () => {
    expect(parseStatistic('Sum')).toEqual({ kind: 'Sum' });
    expect(parseStatistic('p99')).toEqual({ kind: 'percentile', percentile: 99 });
    expect(parseStatistic('p99.9')).toEqual({ kind: 'percentile', percentile: 99.9 });
    expect(parseStatistic('p100')).toEqual({ kind: 'percentile', percentile: 100 });
    expect(parseStatistic('p0')).toBeUndefined();
    expect(parseStatistic('p101')).toBeUndefined();
    expect(parseStatistic('sum')).toBeUndefined();
    expect(parseStatistic('tm99')).toBeUndefined();
  });

  it('takes percentiles by nearest rank, counts weighing each value', () => {
    const samples = [1, 2, 3, 4].map((value) => ({ value, count: 1 }));
    expect(percentile(samples, 50)).toBe(2);
    expect(percentile(samples, 51)).toBe(3);
    expect(percentile(samples, 100)).toBe(4);
    expect(percentile(samples, 1)).toBe(1);
    const hundred = Array.from({ length: 100 }, (_, i) => ({ value: 100 - i, count: 1 }));
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(
      percentile(
        [
          { value: 10, count: 9 },
          { value: 1000, count: 1 },
        ],
        90,
      ),
    ).toBe(10);
    expect(
      percentile(
        [
          { value: 10, count: 9 },
          { value: 1000, count: 1 },
        ],
        91,
      ),
    ).toBe(1000);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('sums, counts, averages and bounds raw values and statistic sets together', () => {
    const points: DataPoint[] = [
      raw(0, 2, 4),
      { t: 1, values: [10], counts: [3] },
      { t: 2, set: { sampleCount: 2, sum: 7, minimum: 1, maximum: 6 } },
    ];
    expect(computeStatistic(points, { kind: 'Sum' })).toBe(2 + 4 + 30 + 7);
    expect(computeStatistic(points, { kind: 'SampleCount' })).toBe(7);
    expect(computeStatistic(points, { kind: 'Average' })).toBeCloseTo(43 / 7);
    expect(computeStatistic(points, { kind: 'Minimum' })).toBe(1);
    expect(computeStatistic(points, { kind: 'Maximum' })).toBe(10);
  });

  it('has no percentile for a period holding a statistic set (no distribution to rank)', () => {
    const points: DataPoint[] = [
      raw(0, 5),
      { t: 1, set: { sampleCount: 1, sum: 1, minimum: 1, maximum: 1 } },
    ];
    expect(computeStatistic(points, { kind: 'percentile', percentile: 50 })).toBeUndefined();
  });

  it('aggregates per period from the start rounded down to the minute, within [start, end), only periods with data', () => {
    const minute = 60_000;
    const points = [raw(0, 1), raw(59_999, 2), raw(minute, 5), raw(3 * minute + 1, 7), raw(4 * minute, 100)];
    expect(aggregate(points, { kind: 'Sum' }, { startMs: 0, endMs: 4 * minute, periodSeconds: 60 })).toEqual([
      { timestamp: 0, value: 3 },
      { timestamp: minute, value: 5 },
      { timestamp: 3 * minute, value: 7 },
    ]);
    expect(aggregate(points, { kind: 'Sum' }, { startMs: 0, endMs: 5 * minute, periodSeconds: 300 })).toEqual(
      [{ timestamp: 0, value: 115 }],
    );
    expect(
      aggregate(points, { kind: 'Maximum' }, { startMs: 30_000, endMs: 2 * minute, periodSeconds: 60 }),
    ).toEqual([
      { timestamp: 0, value: 2 },
      { timestamp: minute, value: 5 },
    ]);
    expect(
      aggregate(points, { kind: 'Sum' }, { startMs: minute + 10, endMs: 5 * minute, periodSeconds: 120 }),
    ).toEqual([
      { timestamp: minute, value: 5 },
      { timestamp: 3 * minute, value: 107 },
    ]);
  });
});
