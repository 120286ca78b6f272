/**
 * The rules of one PutEvents request and its entries, as EventBridge answers them: the entry count, the
 * per-entry `InvalidArgument` error, the accepted forms of `Time` and the `time` field's format.
 */
import { BusValidationError } from './errors';
import type { PutEventsEntry, PutEventsResultEntry } from './types';

/** A request holds 1 to 10 entries; anything else refuses the whole request. */
export function validateEntryCount(entries: readonly PutEventsEntry[]): void {
  if (!Array.isArray(entries) || entries.length < 1) {
    throw new BusValidationError(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > 10) {
    throw new BusValidationError(
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  }
}

/** The per-entry error of a missing required field. */
export function invalidArgument(field: string): PutEventsResultEntry {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
  };
}

/** An entry's `Time`: a Date, epoch seconds or a date string; undefined when it is not a valid time. */
export function toDate(value: Date | number | string): Date | undefined {
  const date =
    value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

let formattedSecond = Number.NaN;
let formattedTime = '';

/** RFC 3339 with second precision, as EventBridge writes `time` (formatted once per second of events). */
export function formatTime(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== formattedSecond) {
    formattedTime = `${date.toISOString().slice(0, 19)}Z`;
    formattedSecond = second;
  }
  return formattedTime;
}
