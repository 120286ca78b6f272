import { allPages, type ListQuery, MAX_PAGE_SIZE } from '../../src/services/pagination';

describe('allPages', () => {
  it('reads every page in order with the largest page size, passing each next_token back', async () => {
    const pages: Record<string, { items: string[]; next_token?: string }> = {
      first: { items: ['a', 'b'], next_token: 't1' },
      t1: { items: ['c'], next_token: 't2' },
      t2: { items: ['d', 'e'] },
    };
    const queries: ListQuery[] = [];

    const items = await allPages(async (query) => {
      queries.push(query);
      return pages[query.next_token ?? 'first'] ?? { items: [] };
    });

    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queries).toEqual([
      { limit: MAX_PAGE_SIZE },
      { limit: MAX_PAGE_SIZE, next_token: 't1' },
      { limit: MAX_PAGE_SIZE, next_token: 't2' },
    ]);
  });

  it('stops after one page when the listing gives no next_token', async () => {
    let calls = 0;

    const items = await allPages(async () => {
      calls += 1;
      return { items: [] as number[] };
    });

    expect(items).toEqual([]);
    expect(calls).toBe(1);
  });
});
