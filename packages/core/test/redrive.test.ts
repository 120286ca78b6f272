import { eventArchiveName, NameLimit, redriveRuleName } from '../src/naming';
import { deadLetteredEvent, REDRIVE_DETAIL_TYPE, REDRIVE_SOURCE } from '../src/redrive';

const event = { id: 'e-1', source: 'parcel-service', 'detail-type': 'parcel_delivered.1', detail: { n: 1 } };

describe('deadLetteredEvent', () => {
  it('reads the event a dead-letter message holds', () => {
    expect(deadLetteredEvent(JSON.stringify(event))).toEqual(event);
  });

  it('reads the original event out of a redrive request that failed again', () => {
    const request = {
      id: 'r-1',
      source: REDRIVE_SOURCE,
      'detail-type': REDRIVE_DETAIL_TYPE,
      detail: { subscription_id: 'abc123def456', dead_letter_id: 'm-1', event },
    };

    expect(deadLetteredEvent(JSON.stringify(request))).toEqual(event);
  });

  it('finds no event in a body that is not one', () => {
    expect(deadLetteredEvent('not json')).toBeUndefined();
    expect(deadLetteredEvent('[1]')).toBeUndefined();
    expect(
      deadLetteredEvent(
        JSON.stringify({ source: REDRIVE_SOURCE, 'detail-type': REDRIVE_DETAIL_TYPE, detail: {} }),
      ),
    ).toBeUndefined();
  });
});

describe('operation names', () => {
  it('keeps the redrive rule within the rule name limit and distinct from the subscription rule', () => {
    const long = redriveRuleName('abcdefghijklmnopqrst', 'e'.repeat(64), 1, 'abc123def456');

    expect(long.length).toBeLessThanOrEqual(NameLimit.RULE);
    expect(redriveRuleName('dev', 'parcel_delivered', 2, 'abc123def456')).toBe(
      'dev-parcel_delivered-v2-abc123def456-redrive',
    );
  });

  it('names the archive after the bus, within 48 characters', () => {
    expect(eventArchiveName('dev')).toBe('dev.custom.events.bus-archive');
    expect(eventArchiveName('abcdefghijklmnopqrst').length).toBeLessThanOrEqual(48);
  });
});
