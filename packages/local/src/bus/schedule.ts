/**
 * EventBridge schedule expressions: `rate(value unit)` and the six-field `cron(minutes hours day-of-month
 * month day-of-week year)`, evaluated in UTC as EventBridge does for rules. Written here rather than taken
 * from a cron library because EventBridge's dialect is its own: a year field, `?` in exactly one of the two
 * day fields, days of the week numbered 1–7 from Sunday, and `L`, `W` and `#`.
 */

/** AWS's answer to any expression it does not accept. */
export const INVALID_SCHEDULE_EXPRESSION = 'Parameter ScheduleExpression is not valid.';

const MINUTE_MS = 60_000;
const RATE_UNIT_MS = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS } as const;
const RATE = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()]*)\)$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const YEAR_RANGE = [1970, 2199] as const;

/** A day of a month: its year, month (1–12) and day (1–31). */
interface Day {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}
type DayMatcher = (day: Day) => boolean;

interface CronSchedule {
  readonly kind: 'cron';
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly day: DayMatcher;
}

interface RateSchedule {
  readonly kind: 'rate';
  readonly everyMs: number;
}

/** A parsed schedule expression. */
export type Schedule = RateSchedule | CronSchedule;

/** Parses an EventBridge schedule expression; undefined when AWS would refuse it. */
export function parseSchedule(expression: string): Schedule | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    // AWS wants the singular for 1 and the plural otherwise: rate(1 minute), rate(5 minutes).
    if ((value === 1) !== !unit.endsWith('s') || !Number.isSafeInteger(value)) return undefined;
    const base = unit.replace(/s$/, '') as keyof typeof RATE_UNIT_MS;
    return { kind: 'rate', everyMs: value * RATE_UNIT_MS[base] };
  }
  const cron = CRON.exec(expression);
  return cron ? parseCron(cron[1] as string) : undefined;
}

/**
 * The first time strictly after `after` (ms) at which the schedule fires. A rate schedule fires every
 * interval counted from `anchor` (when the rule got its schedule); undefined when a cron never fires again.
 */
export function nextFireTime(schedule: Schedule, after: number, anchor = after): number | undefined {
  if (schedule.kind === 'rate') {
    const elapsed = Math.max(0, after - anchor);
    return anchor + (Math.floor(elapsed / schedule.everyMs) + 1) * schedule.everyMs;
  }
  const start = new Date(Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const from = {
    year: start.getUTCFullYear(),
    month: start.getUTCMonth() + 1,
    day: start.getUTCDate(),
    hour: start.getUTCHours(),
    minute: start.getUTCMinutes(),
  };
  for (let year = from.year; year <= YEAR_RANGE[1]; year += 1) {
    if (!schedule.years.has(year)) continue;
    const firstMonth = year === from.year ? from.month : 1;
    for (let month = firstMonth; month <= 12; month += 1) {
      if (!schedule.months.has(month)) continue;
      const sameMonth = year === from.year && month === from.month;
      for (let day = sameMonth ? from.day : 1; day <= daysIn(year, month); day += 1) {
        if (!schedule.day({ year, month, day })) continue;
        const sameDay = sameMonth && day === from.day;
        for (const hour of schedule.hours) {
          if (sameDay && hour < from.hour) continue;
          const sameHour = sameDay && hour === from.hour;
          const minute = schedule.minutes.find((candidate) => !sameHour || candidate >= from.minute);
          if (minute !== undefined) return Date.UTC(year, month - 1, day, hour, minute);
        }
      }
    }
  }
  return undefined;
}

function parseCron(body: string): CronSchedule | undefined {
  const fields = body.split(' ');
  if (fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  // One of the two day fields, and only one, is `?`.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) return undefined;
  const minutes = parseField(minute, 0, 59);
  const hours = parseField(hour, 0, 23);
  const months = parseField(month, 1, 12, MONTHS);
  const years = parseField(year, YEAR_RANGE[0], YEAR_RANGE[1]);
  const day = dayOfMonth === '?' ? dayOfWeekMatcher(dayOfWeek) : dayOfMonthMatcher(dayOfMonth);
  if (!minutes || !hours || !months || !years || !day) return undefined;
  return {
    kind: 'cron',
    minutes: [...minutes].sort((a, b) => a - b),
    hours: [...hours].sort((a, b) => a - b),
    months,
    years,
    day,
  };
}

/** `*`, `a`, `a-b`, `*\/n`, `a/n`, `a-b/n`, comma-separated; `names` are accepted for the values from `min`. */
function parseField(
  field: string,
  min: number,
  max: number,
  names?: readonly string[],
): Set<number> | undefined {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) return undefined;
    const range = match[1] as string;
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) return undefined;
    let low: number | undefined;
    let high: number | undefined;
    if (range === '*') {
      low = min;
      high = max;
    } else {
      const [first, last] = range.split('-') as [string, string | undefined];
      low = value(first, min, max, names);
      high = last === undefined ? (match[2] === undefined ? low : max) : value(last, min, max, names);
    }
    if (low === undefined || high === undefined || low > high) return undefined;
    for (let current = low; current <= high; current += step) values.add(current);
  }
  return values;
}

function value(text: string, min: number, max: number, names?: readonly string[]): number | undefined {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const number = Number(text);
  return number >= min && number <= max ? number : undefined;
}

/** Day-of-month: the values of `parseField`, or `L` (last day), `LW` (last weekday), `nW` (weekday nearest n). */
function dayOfMonthMatcher(field: string): DayMatcher | undefined {
  if (field === 'L') return ({ year, month, day }) => day === daysIn(year, month);
  if (field === 'LW')
    return ({ year, month, day }) => day === nearestWeekday(year, month, daysIn(year, month));
  const weekday = /^(\d{1,2})W$/.exec(field);
  if (weekday) {
    const target = Number(weekday[1]);
    if (target < 1 || target > 31) return undefined;
    return ({ year, month, day }) =>
      target <= daysIn(year, month) && day === nearestWeekday(year, month, target);
  }
  const days = parseField(field, 1, 31);
  return days === undefined ? undefined : ({ day }) => days.has(day);
}

/** Day-of-week (1 = Sunday … 7 = Saturday): the values of `parseField`, or `L`, `nL` (last n of the month), `n#k` (k-th n). */
function dayOfWeekMatcher(field: string): DayMatcher | undefined {
  if (field === 'L') return (day) => weekdayOf(day) === 7;
  const last = /^([1-7]|[A-Za-z]{3})L$/.exec(field);
  if (last) {
    const weekday = value(last[1] as string, 1, 7, WEEKDAYS);
    if (weekday === undefined) return undefined;
    return (day) => weekdayOf(day) === weekday && day.day + 7 > daysIn(day.year, day.month);
  }
  const nth = /^([1-7]|[A-Za-z]{3})#([1-5])$/.exec(field);
  if (nth) {
    const weekday = value(nth[1] as string, 1, 7, WEEKDAYS);
    const occurrence = Number(nth[2]);
    if (weekday === undefined) return undefined;
    return (day) => weekdayOf(day) === weekday && Math.ceil(day.day / 7) === occurrence;
  }
  const weekdays = parseField(field, 1, 7, WEEKDAYS);
  return weekdays === undefined ? undefined : (day) => weekdays.has(weekdayOf(day));
}

/** 1 = Sunday … 7 = Saturday. */
function weekdayOf({ year, month, day }: Day): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The weekday nearest to `target` within its month (Saturday → Friday, Sunday → Monday, not across months). */
function nearestWeekday(year: number, month: number, target: number): number {
  const weekday = weekdayOf({ year, month, day: target });
  if (weekday === 7) return target === 1 ? 3 : target - 1;
  if (weekday === 1) return target === daysIn(year, month) ? target - 2 : target + 1;
  return target;
}
