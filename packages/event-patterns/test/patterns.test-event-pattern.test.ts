import { InvalidEventError, InvalidEventPatternError, testEventPattern } from '@bridgeport/event-patterns';

const event = {
  id: '1',
  account: '123456789012',
  source: 'orders',
  time: '2022-07-13T13:48:01Z',
  region: 'eu-west-1',
  'detail-type': 'order.created',
  detail: { total: 12 },
};

describe('testEventPattern', () => {
  it('matches an event given as an object or as JSON text', () => {
    expect(testEventPattern(event, { detail: { total: [{ numeric: ['>', 10] }] } })).toBe(true);
    expect(testEventPattern(JSON.stringify(event), '{"source": ["billing"]}')).toBe(false);
  });

  it.each(['id', 'account', 'source', 'time', 'region', 'detail-type'])(
    'rejects an event without %s as Parameter Event is not valid.',
    (field) => {
      const incomplete: Record<string, unknown> = { ...event };
      delete incomplete[field];
      expect(() => testEventPattern(incomplete, { source: ['orders'] })).toThrow(InvalidEventError);
      expect(() => testEventPattern(incomplete, { source: ['orders'] })).toThrow(
        'Parameter Event is not valid.',
      );
    },
  );

  it('rejects events that are not JSON objects', () => {
    for (const bad of ['plain string', '["a"]', 'null', '42']) {
      expect(() => testEventPattern(bad, { source: ['orders'] })).toThrow(
        expect.objectContaining({ code: 'ValidationException', message: 'Parameter Event is not valid.' }),
      );
    }
  });

  it('accepts an event without resources or detail', () => {
    const { detail: _detail, ...withoutDetail } = event;
    expect(testEventPattern(withoutDetail, { source: ['orders'] })).toBe(true);
  });

  it('rejects an invalid pattern with InvalidEventPatternError', () => {
    expect(() => testEventPattern(event, { source: 'orders' })).toThrow(InvalidEventPatternError);
  });
});
