import { drainPages, NotFoundError, ValidationError, type ValidationProblem } from '@bridgeport/core';
import type { PageKey } from '../store/table-operations';
import type { Caller } from './caller';
import type { EventTypeService } from './event-types';
import type { SubscriptionView } from './subscription-views';
import type { SubscriptionService } from './subscriptions';

/** Page size when `limit` is not given, and the largest accepted. */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface ListQuery {
  readonly limit: number;
  readonly next_token?: string;
}

/** Reads `limit` (1–100, default 25) and `next_token` from query parameters; problems at `query.<name>`. */
export function readListQuery(query: { readonly limit?: string; readonly next_token?: string }): ListQuery {
  const problems: ValidationProblem[] = [];
  let limit = DEFAULT_PAGE_SIZE;
  if (query.limit !== undefined) {
    limit = /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
      problems.push({ path: 'query.limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    }
  }
  if (query.next_token !== undefined && decodeOrUndefined(query.next_token) === undefined) {
    problems.push({ path: 'query.next_token', message: 'is not a token returned by this API' });
  }
  if (problems.length > 0) throw new ValidationError('The query parameters are not valid', problems);
  return query.next_token === undefined ? { limit } : { limit, next_token: query.next_token };
}

/**
 * Every item of a paged listing: asks for the largest pages, one after another, until no `next_token` is left.
 * For the portal's own views that need a whole listing (the catalog, insights).
 */
export async function allPages<T>(
  listPage: (query: ListQuery) => Promise<{ readonly items: readonly T[]; readonly next_token?: string }>,
): Promise<T[]> {
  return drainPages((next) =>
    listPage(next === undefined ? { limit: MAX_PAGE_SIZE } : { limit: MAX_PAGE_SIZE, next_token: next }),
  );
}

/** The names of every event type. */
export async function allEventTypeNames(eventTypes: EventTypeService): Promise<string[]> {
  return (await allPages((page) => eventTypes.list(page))).map((item) => item.event_type);
}

/** Every subscription of an event type (or of one of its versions), as `caller` may see them. */
export function allSubscriptions(
  subscriptions: SubscriptionService,
  caller: Caller,
  eventType: string,
  version?: number,
): Promise<SubscriptionView[]> {
  return allPages((page) =>
    subscriptions.list(
      { ...page, event_type: eventType, ...(version === undefined ? {} : { version: String(version) }) },
      caller,
    ),
  );
}

/**
 * `undefined` for a not-found error when `skip` is set (an item deleted since a whole listing named it); any
 * other error is thrown on.
 */
export function skipWhen(skip: boolean, error: unknown): undefined {
  if (skip && error instanceof NotFoundError) return undefined;
  throw error;
}

/** Reads `limit` alone (1–100, default 25), for listings that cannot be paged. */
export function readLimit(limit: string | undefined): { readonly limit: number } {
  return { limit: readListQuery({ ...(limit === undefined ? {} : { limit }) }).limit };
}

/** The opaque `next_token` for a listing position. */
export function encodePageToken(key: PageKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The listing position of a `next_token` (already checked by `readListQuery`). */
export function decodePageToken(token: string | undefined): PageKey | undefined {
  if (token === undefined) return undefined;
  const key = decodeOrUndefined(token);
  if (key === undefined) {
    throw new ValidationError('The query parameters are not valid', [
      { path: 'query.next_token', message: 'is not a token returned by this API' },
    ]);
  }
  return key;
}

function decodeOrUndefined(token: string): PageKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    if (entries.length === 0 || entries.length > 4) return undefined;
    if (!entries.every(([name, part]) => /^(PK|SK|GSI[12](PK|SK))$/.test(name) && typeof part === 'string')) {
      return undefined;
    }
    return Object.fromEntries(entries) as PageKey;
  } catch {
    return undefined;
  }
}
