/** Paging of the local AWS APIs' List calls: an opaque token that holds the offset of the next item. */
import { BusValidationError } from './errors';
import type { Page } from './types';

/** One page of `items` from the item at `start`, and the token of the next page when there are more. */
export function offsetPage<T>(
  items: readonly T[],
  start: number,
  size: number,
): { readonly items: T[]; readonly next?: string } {
  const end = start + size;
  const page = items.slice(start, end);
  return end < items.length
    ? { items: page, next: Buffer.from(String(end)).toString('base64url') }
    : { items: page };
}

/** The offset a token holds; `undefined` when it holds none. */
export function offsetOf(token: string): number | undefined {
  const start = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  return Number.isInteger(start) && start >= 0 ? start : undefined;
}

/** One page of `items` for an EventBridge List call (`Limit` at most 100, `NextToken` an opaque offset). */
export function paginate<T>(items: T[], limit: number | undefined, nextToken: string | undefined): Page<T> {
  const start = nextToken ? offsetOf(nextToken) : 0;
  if (start === undefined) throw new BusValidationError('The NextToken provided is invalid.');
  const size = limit !== undefined && limit > 0 ? Math.min(limit, 100) : 100;
  const page = offsetPage(items, start, size);
  return page.next === undefined ? { items: page.items } : { items: page.items, nextToken: page.next };
}
