import { ValidationError } from '@bridgeport/core';
import { parseInsightsWindow } from '../../src/services/insights-window';

const NOW = new Date('2026-11-26T12:34:56.789Z');

function problems(query: Parameters<typeof parseInsightsWindow>[0]): unknown {
  try {
    parseInsightsWindow(query, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error('expected the window to be refused');
}

describe('the insights window', () => {
  it('defaults to the last 24 hours in hourly points, ending at the end of the current minute', () => {
    expect(parseInsightsWindow({}, NOW)).toEqual({
      from: new Date('2026-11-25T12:35:00.000Z'),
      to: new Date('2026-11-26T12:35:00.000Z'),
      periodSeconds: 3600,
    });
  });

  it('rounds from down and to up to whole minutes', () => {
    expect(
      parseInsightsWindow(
        { from: '2026-11-26T09:00:30Z', to: '2026-11-26T10:15:01+01:00', period: '300' },
        NOW,
      ),
    ).toEqual({
      from: new Date('2026-11-26T09:00:00.000Z'),
      to: new Date('2026-11-26T09:16:00.000Z'),
      periodSeconds: 300,
    });
  });

  it('refuses what is not an ISO-8601 date-time, naming the parameter', () => {
    expect(problems({ from: 'yesterday', to: '1700000000' })).toEqual([
      {
        path: 'query.from',
        message: 'must be an ISO-8601 date-time such as 2026-11-26T09:00:00Z, got "yesterday"',
      },
      {
        path: 'query.to',
        message: 'must be an ISO-8601 date-time such as 2026-11-26T09:00:00Z, got "1700000000"',
      },
    ]);
  });

  it('refuses a period that is not a multiple of a minute, or outside a minute to a day', () => {
    for (const period of ['90', '0', '30', '86460', 'hour', '-60', '60.0']) {
      expect(problems({ period })).toEqual([
        { path: 'query.period', message: `must be a multiple of 60 seconds from 60 to 86400, got ${period}` },
      ]);
    }
  });

  it('refuses a window with too many points for its period', () => {
    expect(problems({ from: '2026-11-24T12:00:00Z', to: '2026-11-26T12:00:00Z', period: '60' })).toEqual([
      {
        path: 'query.period',
        message:
          'the window holds 2880 periods of 60 s; at most 1440: use a longer period or a shorter window',
      },
    ]);
    expect(
      parseInsightsWindow({ from: '2026-11-25T12:00:00Z', to: '2026-11-26T12:00:00Z', period: '60' }, NOW)
        .periodSeconds,
    ).toBe(60);
  });

  it('refuses a to before from, a to in the future and a from older than the 15 days metrics are kept', () => {
    expect(problems({ from: '2026-11-26T10:00:00Z', to: '2026-11-26T09:00:00Z' })).toEqual([
      { path: 'query.to', message: 'must be at least a minute after from (2026-11-26T10:00:00.000Z)' },
    ]);
    expect(problems({ to: '2026-11-26T13:00:00Z' })).toEqual([
      { path: 'query.to', message: 'is in the future (now is 2026-11-26T12:34:56.789Z)' },
    ]);
    expect(problems({ from: '2026-11-01T00:00:00Z', period: '86400' })).toEqual([
      { path: 'query.from', message: 'is before 2026-11-11T12:35:00.000Z: metrics are kept 15 days' },
    ]);
  });

  it('accepts a to a little ahead of its clock (a browser clock running fast)', () => {
    expect(parseInsightsWindow({ to: '2026-11-26T12:36:00Z' }, NOW).to).toEqual(
      new Date('2026-11-26T12:35:00.000Z'),
    );
  });
});
