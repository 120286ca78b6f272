import { eventTypeKey, statusRecordKey, subscriptionKey, versionKey } from '../src/events-table';

describe('events table keys', () => {
  it('keys an event type, its versions (10 digits) and a subscription', () => {
    expect(eventTypeKey('cart_recovered')).toEqual({ PK: 'EVENT_TYPE#cart_recovered', SK: '#META' });
    expect(versionKey('cart_recovered', 12)).toEqual({
      PK: 'EVENT_TYPE#cart_recovered',
      SK: 'VERSION#0000000012',
    });
    expect(subscriptionKey('sub000000001')).toEqual({ PK: 'SUBSCRIPTION#sub000000001', SK: '#META' });
  });

  it('keys the status record of a producer or consumer manifest', () => {
    expect(statusRecordKey({ kind: 'producer', eventType: 'cart_recovered', version: 2 })).toEqual({
      PK: 'EVENT_TYPE#cart_recovered',
      SK: 'VERSION#0000000002',
    });
    expect(
      statusRecordKey({ kind: 'consumer', eventType: 'cart_recovered', version: 2, subscriptionId: 'sub1' }),
    ).toEqual({ PK: 'SUBSCRIPTION#sub1', SK: '#META' });
  });
});
