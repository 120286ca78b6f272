/**
 * Draining a paged listing: the portal API answers `{ items, next_token? }`, and a caller that needs the whole listing
 * (the portal's own views, the web portal's "my subscriptions") asks for page after page until no `next_token` is
 * left. Free of Node and of the rest of core, so the web portal's browser bundle imports it too
 * (`@bridgeport/core/paging`).
 */

/** One page of a listing, as the portal API answers it. */
export interface PageOf<T> {
  readonly items: readonly T[];
  readonly next_token?: string;
}

/** Every item of a paged listing, in order: `listPage` is asked for the first page, then for each `next_token`. */
export async function drainPages<T>(
  listPage: (nextToken: string | undefined) => Promise<PageOf<T>>,
): Promise<T[]> {
  const found: T[] = [];
  let next: string | undefined;
  do {
    const page = await listPage(next);
    found.push(...page.items);
    next = page.next_token;
  } while (next !== undefined);
  return found;
}
