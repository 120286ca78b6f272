/** How many reads a whole-catalog view (the AsyncAPI document, the catalog insights) has in flight at once. */
export const CATALOG_READ_CONCURRENCY = 8;

/**
 * `fn` of every item, at most `limit` at a time, answers in the items' order. The first failure rejects once the
 * calls already started have settled, and no new call starts after it.
 *
 * Written here rather than taken from `p-map`/`p-limit`: those are published as ES modules only, which jest (running
 * the portal's tests as CommonJS) cannot load, and this is all the portal needs of them.
 */
export async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
  return results;
}
