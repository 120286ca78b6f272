import {
  chartGeometry,
  DEFAULT_CHART_SIZE,
  insightsQuery,
  mergeSeries,
  niceScale,
  timeLabel,
} from '../../src/app/insights-chart';

const hour = (h: number) => `2026-11-26T${String(h).padStart(2, '0')}:00:00.000Z`;

describe('niceScale', () => {
  it('rounds the top of the axis up to whole steps of 1, 2 or 5 × 10ⁿ', () => {
    expect(niceScale(0)).toEqual({ top: 1, step: 1 });
    expect(niceScale(1)).toEqual({ top: 1, step: 1 });
    expect(niceScale(7)).toEqual({ top: 8, step: 2 });
    expect(niceScale(1195)).toEqual({ top: 1500, step: 500 });
    expect(niceScale(40)).toEqual({ top: 40, step: 10 });
  });
});

describe('chartGeometry', () => {
  const { width, height, margin } = DEFAULT_CHART_SIZE;
  const bottom = height - margin.bottom;

  it('draws each figure as a line across the plot, scaled to the largest value, a missing figure as 0', () => {
    const geometry = chartGeometry(
      [
        { timestamp: hour(9), published: 400, delivered: 400 },
        { timestamp: hour(10), published: 500, delivered: 495, failed: 5 },
        { timestamp: hour(11), published: 300, delivered: 300 },
      ],
      ['published', 'failed'],
    );

    expect(geometry.max).toBe(500);
    const published = geometry.lines[0];
    expect(published?.figure).toBe('published');
    expect(published?.total).toBe(1200);
    const points = (published?.points ?? '').split(' ').map((pair) => pair.split(',').map(Number));
    expect(points.map(([x]) => x)).toEqual([
      margin.left,
      margin.left + (width - margin.left - margin.right) / 2,
      width - margin.right,
    ]);
    // The axis runs to 600 in steps of 200: 500 is five sixths of the way up.
    expect(geometry.yTicks.map((tick) => tick.value)).toEqual([0, 200, 400, 600]);
    const innerHeight = height - margin.top - margin.bottom;
    expect(points[1]?.[1]).toBe(margin.top + innerHeight - (500 / 600) * innerHeight);
    expect(geometry.lines[1]?.points.split(' ').map((pair) => Number(pair.split(',')[1]))).toEqual([
      bottom,
      expect.any(Number),
      bottom,
    ]);
    expect(geometry.lines[1]?.total).toBe(5);
  });

  it('labels the y axis in whole steps from 0 and the x axis with the times of day', () => {
    const geometry = chartGeometry(
      [
        { timestamp: hour(9), published: 7 },
        { timestamp: hour(10), published: 1 },
      ],
      ['published'],
    );

    expect(geometry.yTicks.map((tick) => tick.value)).toEqual([0, 2, 4, 6, 8]);
    expect(geometry.yTicks[0]?.y).toBe(bottom);
    expect(geometry.xLabels.map((label) => label.label)).toEqual(['09:00', '10:00']);
  });

  it('draws a single period as a level line, and labels days on a window of several days', () => {
    const single = chartGeometry([{ timestamp: hour(9), delivered: 1 }], ['delivered']);
    expect(single.lines[0]?.points).toBe(
      `${margin.left},${margin.top} ${width - margin.right},${margin.top}`,
    );

    expect(timeLabel('2026-11-26T00:00:00.000Z', true)).toBe('11-26');
    expect(timeLabel('2026-11-26T13:45:00.000Z', false)).toBe('13:45');
  });
});

describe('insights windows and series', () => {
  it('asks for the window from the minute it starts, with its period, and leaves the end to the route', () => {
    const now = Date.parse('2026-11-26T12:34:56.789Z');

    expect(Object.fromEntries(new URLSearchParams(insightsQuery('hour', now)))).toEqual({
      from: '2026-11-26T11:34:00.000Z',
      period: '60',
    });
    expect(Object.fromEntries(new URLSearchParams(insightsQuery('week', now)))).toEqual({
      from: '2026-11-19T12:34:00.000Z',
      period: '86400',
    });
  });

  it("merges a version's and a subscription's points by period, oldest first", () => {
    expect(
      mergeSeries(
        [
          { timestamp: hour(10), published: 5, rejected: 0 },
          { timestamp: hour(9), published: 2, rejected: 1 },
        ],
        [{ timestamp: hour(10), matched: 5, delivered: 4, failed: 1, dead_lettered: 1 }],
      ),
    ).toEqual([
      { timestamp: hour(9), published: 2, rejected: 1 },
      {
        timestamp: hour(10),
        published: 5,
        rejected: 0,
        matched: 5,
        delivered: 4,
        failed: 1,
        dead_lettered: 1,
      },
    ]);
  });
});
