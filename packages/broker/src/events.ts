import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** Default limit of one PutEvents request (and so of one event), per SEMANTICS.md §6; configurable. */
export const DEFAULT_MAX_EVENT_SIZE_BYTES = 256 * 1024;
/** PutEvents accepts 1–10 entries per request. */
export const MAX_ENTRIES_PER_PUT_EVENTS = 10;

/** Where and as what a producer's events go on the bus: taken from core's producer plan. */
export interface EventRoute {
  readonly busName: string;
  /** The owning application; set by the broker, never taken from the caller. */
  readonly source: string;
  /** `{event_type}.{version}` */
  readonly detailType: string;
}

/** The PutEvents entry for one validated envelope. */
export function buildEventEntry(route: EventRoute, envelope: unknown): PutEventsRequestEntry {
  return {
    EventBusName: route.busName,
    Source: route.source,
    DetailType: route.detailType,
    Detail: JSON.stringify(envelope),
  };
}

/** The fields of a PutEvents entry that count towards its size (as the SDK types them, or as raw JSON). */
export interface SizedEventEntry {
  readonly Time?: unknown;
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: readonly unknown[];
}

/**
 * Size of an entry as EventBridge counts it: 14 bytes when `Time` is set, plus the UTF-8 bytes of Source,
 * DetailType, Detail and each Resources element. Used by the injector, the forwarder and the local bus alike.
 */
export function eventEntrySize(entry: SizedEventEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (typeof part === 'string') size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

export interface BatchLimits {
  /** @default MAX_ENTRIES_PER_PUT_EVENTS */
  readonly maxEntries?: number;
  /** Total size of one request. @default DEFAULT_MAX_EVENT_SIZE_BYTES */
  readonly maxBytes?: number;
}

/**
 * Packs sized items, in order, into batches of at most `maxEntries` items whose sizes add up to at most
 * `maxBytes`. An item larger than `maxBytes` on its own throws: callers set oversize items aside first.
 */
export function packBatches<T extends { readonly size: number }>(
  items: readonly T[],
  limits: BatchLimits = {},
): T[][] {
  const maxEntries = limits.maxEntries ?? MAX_ENTRIES_PER_PUT_EVENTS;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES;
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    if (item.size > maxBytes) {
      throw new RangeError(
        `An item of ${item.size} bytes cannot fit in a batch of at most ${maxBytes} bytes`,
      );
    }
    if (current.length === maxEntries || currentBytes + item.size > maxBytes) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
