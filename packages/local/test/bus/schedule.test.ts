import { nextFireTime, parseSchedule } from '../../src/bus/schedule';

const at = (iso: string): number => Date.parse(iso);
const next = (expression: string, after: string): string | undefined => {
  const schedule = parseSchedule(expression);
  if (schedule === undefined) throw new Error(`${expression} did not parse`);
  const time = nextFireTime(schedule, at(after));
  return time === undefined ? undefined : new Date(time).toISOString();
};

describe('EventBridge schedule expressions', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 days)', 172_800_000],
  ])('reads %s as an interval of %d ms', (expression, everyMs) => {
    expect(parseSchedule(expression)).toEqual({ kind: 'rate', everyMs });
  });

  it('counts rate intervals from when the rule got its schedule', () => {
    const schedule = parseSchedule('rate(10 minutes)');
    if (schedule === undefined) throw new Error('rate(10 minutes) did not parse');
    const anchor = at('2026-03-01T08:03:00Z');

    expect(new Date(nextFireTime(schedule, anchor, anchor) ?? 0).toISOString()).toBe(
      '2026-03-01T08:13:00.000Z',
    );
    expect(new Date(nextFireTime(schedule, at('2026-03-01T08:40:00Z'), anchor) ?? 0).toISOString()).toBe(
      '2026-03-01T08:43:00.000Z',
    );
  });

  it.each([
    ['cron(0 10 * * ? *)', '2026-03-01T10:00:00Z', '2026-03-02T10:00:00.000Z'],
    ['cron(15 12 * * ? *)', '2026-03-01T09:00:00Z', '2026-03-01T12:15:00.000Z'],
    ['cron(0 18 ? * MON-FRI *)', '2026-03-06T18:00:00Z', '2026-03-09T18:00:00.000Z'],
    ['cron(0 8 1 * ? *)', '2026-03-01T08:00:00Z', '2026-04-01T08:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-03-01T10:16:00Z', '2026-03-01T10:30:00.000Z'],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2026-03-06T17:56:00Z', '2026-03-09T08:00:00.000Z'],
    ['cron(0 9 ? * 2 *)', '2026-03-01T00:00:00Z', '2026-03-02T09:00:00.000Z'],
    ['cron(0 12 L * ? *)', '2026-02-01T00:00:00Z', '2026-02-28T12:00:00.000Z'],
    ['cron(0 12 15W * ? *)', '2026-08-01T00:00:00Z', '2026-08-14T12:00:00.000Z'],
    ['cron(0 12 LW * ? *)', '2026-05-01T00:00:00Z', '2026-05-29T12:00:00.000Z'],
    ['cron(0 12 ? * 6#3 *)', '2026-03-01T00:00:00Z', '2026-03-20T12:00:00.000Z'],
    ['cron(0 12 ? * 6L *)', '2026-03-01T00:00:00Z', '2026-03-27T12:00:00.000Z'],
    ['cron(0 0 1 JAN ? 2030)', '2026-03-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['cron(30 1 29 2 ? *)', '2026-03-01T00:00:00Z', '2028-02-29T01:30:00.000Z'],
  ])('runs %s next after %s at %s (UTC)', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('answers no time for a cron whose years are over', () => {
    expect(next('cron(0 0 1 1 ? 2020)', '2026-03-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    'rate(1 minutes)',
    'rate(2 hour)',
    'rate(1.5 hours)',
    'rate(10 weeks)',
    'cron(0 10 * * ? * *)',
    'cron(0 24 * * ? *)',
    'cron(0 10 32 * ? *)',
    'cron(0 10 ? * 8 *)',
    'cron(0 10 ? FOO * *)',
    'cron(0 10 ? * 6#6 *)',
    'cron(0 10 1-x * ? *)',
    'cron(0 10 * * ? 1969)',
    'cron(5-1 10 * * ? *)',
  ])('refuses %s', (expression) => {
    expect(parseSchedule(expression)).toBeUndefined();
  });
});
