import { BusValidationError } from '../../src/bus/errors';
import { formatTime, invalidArgument, toDate, validateEntryCount } from '../../src/bus/put-events-entry';

describe('the PutEvents request and entry rules', () => {
  it('accepts 1 to 10 entries and refuses the whole request otherwise', () => {
    const entry = { Source: 's', DetailType: 'd', Detail: '{}' };
    expect(() => validateEntryCount([entry])).not.toThrow();
    expect(() => validateEntryCount(Array.from({ length: 10 }, () => entry))).not.toThrow();
    expect(() => validateEntryCount([])).toThrow(BusValidationError);
    expect(() => validateEntryCount([])).toThrow(/greater than or equal to 1/);
    expect(() => validateEntryCount(Array.from({ length: 11 }, () => entry))).toThrow(
      /less than or equal to 10/,
    );
  });

  it('words a missing required field as EventBridge does', () => {
    expect(invalidArgument('Source')).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
  });

  it('reads Time as a Date, epoch seconds or a date string, and nothing else', () => {
    expect(toDate(new Date('2026-01-02T03:04:05Z'))?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(toDate(1_767_323_045)?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(toDate('2026-01-02T03:04:05Z')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(toDate('yesterday')).toBeUndefined();
  });

  it('formats time in RFC 3339 with second precision', () => {
    expect(formatTime(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z');
    expect(formatTime(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
    expect(formatTime(new Date('2026-01-02T03:04:06.001Z'))).toBe('2026-01-02T03:04:06Z');
  });
});
