import { drainPages } from '../src/paging';

describe('drainPages', () => {
  it('asks for the first page without a token, then for each next_token, and keeps every item in order', async () => {
    const pages: Record<string, { items: string[]; next_token?: string }> = {
      first: { items: ['a', 'b'], next_token: 't1' },
      t1: { items: [], next_token: 't2' },
      t2: { items: ['c'] },
    };
    const asked: (string | undefined)[] = [];

    const items = await drainPages(async (next) => {
      asked.push(next);
      return pages[next ?? 'first'] ?? { items: [] };
    });

    expect(items).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('passes on the failure of a page instead of answering a partial listing', async () => {
    const listing = drainPages(async (next) => {
      if (next === undefined) return { items: [1], next_token: 'later' };
      throw new Error('page 2 unavailable');
    });

    await expect(listing).rejects.toThrow('page 2 unavailable');
  });
});
