import { ValidationError, type ValidationProblem } from '@bridgeport/core';

/** The window insights cover: whole minutes (`from` rounded down, `to` up and excluded), one point per `periodSeconds`. */
export interface InsightsWindow {
  readonly from: Date;
  readonly to: Date;
  readonly periodSeconds: number;
}

/** Limits of an insights window. */
export const InsightsLimit = {
  /** CloudWatch keeps one-minute data 15 days. */
  MAX_AGE_DAYS: 15,
  MIN_PERIOD_SECONDS: 60,
  MAX_PERIOD_SECONDS: 86_400,
  /** Points per series. */
  MAX_PERIODS: 1440,
  /** How far `to` may lie ahead of the portal's clock (a browser's clock may run ahead a little). */
  MAX_CLOCK_SKEW_MS: 5 * 60_000,
  DEFAULT_SPAN_MS: 24 * 3_600_000,
  DEFAULT_PERIOD_SECONDS: 3600,
} as const;

const MINUTE_MS = 60_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(text: string | undefined, name: string, problems: ValidationProblem[]): number | undefined {
  if (text === undefined) return undefined;
  const ms = DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    problems.push({
      path: `query.${name}`,
      message: `must be an ISO-8601 date-time such as 2026-11-26T09:00:00Z, got "${text}"`,
    });
    return undefined;
  }
  return ms;
}

/**
 * Reads `from`, `to` and `period` (query parameters, as text): defaults, rounding to whole minutes and every limit.
 * Throws `ValidationError` with one problem per bad parameter, naming it (`query.period`…) and why.
 */
export function parseInsightsWindow(
  query: { readonly from?: string; readonly to?: string; readonly period?: string },
  now: Date,
): InsightsWindow {
  const problems: ValidationProblem[] = [];
  const nowMs = now.getTime();
  const fromMs = instant(query.from, 'from', problems);
  const toMs = instant(query.to, 'to', problems);
  let periodSeconds: number = InsightsLimit.DEFAULT_PERIOD_SECONDS;
  if (query.period !== undefined) {
    const period = /^\d{1,6}$/.test(query.period) ? Number(query.period) : Number.NaN;
    if (
      !Number.isInteger(period) ||
      period % 60 !== 0 ||
      period < InsightsLimit.MIN_PERIOD_SECONDS ||
      period > InsightsLimit.MAX_PERIOD_SECONDS
    ) {
      problems.push({
        path: 'query.period',
        message: `must be a multiple of 60 seconds from ${InsightsLimit.MIN_PERIOD_SECONDS} to ${InsightsLimit.MAX_PERIOD_SECONDS}, got ${query.period}`,
      });
    } else {
      periodSeconds = period;
    }
  }
  if (problems.length > 0) throw new ValidationError('Invalid insights window', problems);

  const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  if (toMs !== undefined && toMs > nowMs + InsightsLimit.MAX_CLOCK_SKEW_MS) {
    problems.push({ path: 'query.to', message: `is in the future (now is ${now.toISOString()})` });
  }
  // `to` is excluded: rounded up, so that the current minute's data is in a window ending now.
  const to = Math.ceil(Math.min(toMs ?? nowMs, nowMs) / MINUTE_MS) * MINUTE_MS;
  const from = floorMinute(fromMs ?? to - InsightsLimit.DEFAULT_SPAN_MS);
  const oldest = nowMs - InsightsLimit.MAX_AGE_DAYS * 86_400_000;
  if (from < oldest) {
    problems.push({
      path: 'query.from',
      message: `is before ${new Date(floorMinute(oldest) + MINUTE_MS).toISOString()}: metrics are kept ${InsightsLimit.MAX_AGE_DAYS} days`,
    });
  }
  if (to <= from) {
    problems.push({
      path: 'query.to',
      message: `must be at least a minute after from (${new Date(from).toISOString()})`,
    });
  } else {
    const periods = Math.ceil((to - from) / (periodSeconds * 1000));
    if (periods > InsightsLimit.MAX_PERIODS) {
      problems.push({
        path: 'query.period',
        message: `the window holds ${periods} periods of ${periodSeconds} s; at most ${InsightsLimit.MAX_PERIODS}: use a longer period or a shorter window`,
      });
    }
  }
  if (problems.length > 0) throw new ValidationError('Invalid insights window', problems);
  return { from: new Date(from), to: new Date(to), periodSeconds };
}
