/** Paging of the EventBridge API's List calls. */
import { BusValidationError } from './errors';
import type { Page } from './types';

/** One page of `items` for a List call (`Limit` at most 100, `NextToken` an opaque offset). */
export function paginate<T>(items: T[], limit: number | undefined, nextToken: string | undefined): Page<T> {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new BusValidationError('The NextToken provided is invalid.');
  const size = limit !== undefined && limit > 0 ? Math.min(limit, 100) : 100;
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return {
    items: page,
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}
