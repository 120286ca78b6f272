/**
 * The geometry of the insights charts: counts per period drawn as lines in plain SVG. Hand-written rather than a
 * chart library because the page draws two kinds of chart (counts over time, two latency bars) and a library would
 * outweigh the rest of the bundle; the figures themselves are always also given as a table.
 */

/** One period's counts, keyed by figure (`published`, `delivered`, …); a figure missing from a point counts 0. */
export interface SeriesPoint {
  readonly timestamp: string;
  readonly [figure: string]: number | string;
}

export interface ChartSize {
  readonly width: number;
  readonly height: number;
  /** Room for the axis labels. */
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
}

export const DEFAULT_CHART_SIZE: ChartSize = {
  width: 640,
  height: 220,
  margin: { top: 12, right: 16, bottom: 28, left: 48 },
};

export interface ChartLine {
  readonly figure: string;
  /** SVG `points` of a polyline, `x,y x,y …`. */
  readonly points: string;
  readonly total: number;
}

export interface ChartTick {
  readonly value: number;
  readonly y: number;
}

export interface ChartTimeLabel {
  readonly label: string;
  readonly x: number;
}

export interface ChartGeometry {
  readonly lines: readonly ChartLine[];
  readonly yTicks: readonly ChartTick[];
  readonly xLabels: readonly ChartTimeLabel[];
  readonly max: number;
}

/** A round upper bound for the y axis (1, 2, 5 × 10ⁿ) and its tick step, so the labels read as whole numbers. */
export function niceScale(max: number, ticks = 4): { readonly top: number; readonly step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step =
    [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const whole = Math.max(1, Math.round(step));
  const top = Math.ceil(max / whole) * whole;
  return { top, step: whole };
}

function figureOf(point: SeriesPoint, figure: string): number {
  const value = point[figure];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A period's start as the axis shows it: the time of day (UTC) for a window within a day, else the date. */
export function timeLabel(timestamp: string, spansDays: boolean): string {
  const iso = new Date(timestamp).toISOString();
  return spansDays ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** Lines for `figures` over `series` (oldest first), scaled into `size`; a single point is drawn as a level line. */
export function chartGeometry(
  series: readonly SeriesPoint[],
  figures: readonly string[],
  size: ChartSize = DEFAULT_CHART_SIZE,
): ChartGeometry {
  const { width, height, margin } = size;
  const innerWidth = width - margin.left - margin.right;
  const innerHeight = height - margin.top - margin.bottom;
  const max = Math.max(0, ...series.flatMap((point) => figures.map((figure) => figureOf(point, figure))));
  const { top, step } = niceScale(max);
  const x = (index: number) =>
    margin.left + (series.length <= 1 ? innerWidth / 2 : (index / (series.length - 1)) * innerWidth);
  const y = (value: number) => margin.top + innerHeight - (value / top) * innerHeight;
  const round = (value: number) => Math.round(value * 10) / 10;
  const lines = figures.map((figure) => {
    const coordinates = series.map(
      (point, index) => `${round(x(index))},${round(y(figureOf(point, figure)))}`,
    );
    // One point: a short level segment, so it shows as a line.
    const points =
      series.length === 1
        ? `${round(margin.left)},${round(y(figureOf(series[0] as SeriesPoint, figure)))} ${round(margin.left + innerWidth)},${round(y(figureOf(series[0] as SeriesPoint, figure)))}`
        : coordinates.join(' ');
    return { figure, points, total: series.reduce((sum, point) => sum + figureOf(point, figure), 0) };
  });
  const yTicks: ChartTick[] = [];
  for (let value = 0; value <= top; value += step) yTicks.push({ value, y: round(y(value)) });
  const first = series[0];
  const last = series.at(-1);
  const spansDays =
    first !== undefined &&
    last !== undefined &&
    Date.parse(last.timestamp) - Date.parse(first.timestamp) >= 86_400_000;
  // At most five time labels, evenly spread, the first and the last included.
  const labelCount = Math.min(series.length, 5);
  const xLabels: ChartTimeLabel[] = [];
  for (let n = 0; n < labelCount; n++) {
    const index = labelCount === 1 ? 0 : Math.round((n * (series.length - 1)) / (labelCount - 1));
    const point = series[index] as SeriesPoint;
    xLabels.push({ label: timeLabel(point.timestamp, spansDays), x: round(x(index)) });
  }
  return { lines, yTicks, xLabels, max };
}

/** The windows one can pick: their length and the period of a point. */
export const INSIGHTS_WINDOWS = {
  hour: { label: 'Last hour', hours: 1, period: 60 },
  day: { label: 'Last 24 hours', hours: 24, period: 3600 },
  week: { label: 'Last 7 days', hours: 168, period: 86_400 },
} as const;
export type InsightsWindow = keyof typeof INSIGHTS_WINDOWS;

/** The window's query: from `hours` ago (to the minute) until now (`to` left to the route: the current minute counts). */
export function insightsQuery(window: InsightsWindow, now: number = Date.now()): string {
  const { hours, period } = INSIGHTS_WINDOWS[window];
  const from = Math.floor((now - hours * 3_600_000) / 60_000) * 60_000;
  return new URLSearchParams({ from: new Date(from).toISOString(), period: String(period) }).toString();
}

/** A version's and a subscription's points in one series, by timestamp (oldest first). */
export function mergeSeries(...all: readonly (readonly SeriesPoint[])[]): SeriesPoint[] {
  const byTime = new Map<string, Record<string, number | string>>();
  for (const series of all) {
    for (const point of series) {
      byTime.set(point.timestamp, { ...(byTime.get(point.timestamp) ?? {}), ...point });
    }
  }
  return [...byTime.values()]
    .map((point) => point as SeriesPoint)
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}
