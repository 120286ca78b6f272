import { PRODUCER_THROTTLE } from '../src/plan';
import { isProducerKeyOf, newProducerKeyValue, producerThrottle } from '../src/producer-keys';

describe('producer key values', () => {
  it('are 58 letters and digits, within API Gateway’s 20 to 128, and differ every time', () => {
    const first = newProducerKeyValue('dev', 'order_created');
    const second = newProducerKeyValue('dev', 'order_created');

    expect(first).toMatch(/^bp[0-9a-f]{16}[A-Za-z0-9]{40}$/);
    expect(second).not.toBe(first);
  });

  it('belong to the event type and environment they were issued for, and no other', () => {
    const value = newProducerKeyValue('dev', 'order_created');

    expect(isProducerKeyOf(value, 'dev', 'order_created')).toBe(true);
    expect(isProducerKeyOf(value, 'dev', 'order_shipped')).toBe(false);
    expect(isProducerKeyOf(value, 'prod', 'order_created')).toBe(false);
  });

  it('are refused when missing, truncated, extended or made by hand', () => {
    const value = newProducerKeyValue('dev', 'order_created');

    expect(isProducerKeyOf(undefined, 'dev', 'order_created')).toBe(false);
    expect(isProducerKeyOf(null, 'dev', 'order_created')).toBe(false);
    expect(isProducerKeyOf(value.slice(0, -1), 'dev', 'order_created')).toBe(false);
    expect(isProducerKeyOf(`${value}x`, 'dev', 'order_created')).toBe(false);
    expect(isProducerKeyOf('x'.repeat(58), 'dev', 'order_created')).toBe(false);
  });

  it('are checked the same way every time, and never for a name that is not an environment and event type', () => {
    const value = newProducerKeyValue('dev', 'order_created');
    const answers = Array.from({ length: 3 }, () => isProducerKeyOf(value, 'dev', 'order_created'));

    expect(answers).toEqual([true, true, true]);
    expect(() => isProducerKeyOf(value, 'Dev!', 'order_created')).toThrow(RangeError);
    expect(() => newProducerKeyValue('dev', 'order created')).toThrow('Not an environment and event type');
  });
});

describe('producer throttles', () => {
  it('allow the event type’s rate with bursts of twice as many, or the default', () => {
    expect(producerThrottle(25)).toEqual({ rateLimit: 25, burstLimit: 50 });
    expect(producerThrottle()).toEqual(PRODUCER_THROTTLE);
    expect(PRODUCER_THROTTLE).toEqual({ rateLimit: 100, burstLimit: 200 });
  });
});
