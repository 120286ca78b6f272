import { BusValidationError } from '../../src/bus/errors';
import { offsetOf, offsetPage, paginate } from '../../src/bus/paginate';

describe('offset paging', () => {
  const items = Array.from({ length: 7 }, (_, i) => `item-${i}`);

  it('walks a list page by page with opaque tokens, the last page without one', () => {
    const pages: string[][] = [];
    let start: number | undefined = 0;
    while (start !== undefined) {
      const page: { items: string[]; next?: string } = offsetPage(items, start, 3);
      pages.push(page.items);
      start = page.next === undefined ? undefined : offsetOf(page.next);
      expect(page.next === undefined || !/^\d+$/.test(page.next)).toBe(true);
    }
    expect(pages).toEqual([items.slice(0, 3), items.slice(3, 6), items.slice(6)]);
  });

  it('reads no offset from a token that holds none', () => {
    expect(offsetOf('')).toBeUndefined();
    expect(offsetOf('not-a-token')).toBeUndefined();
    expect(offsetOf(Buffer.from('-4').toString('base64url'))).toBeUndefined();
  });

  it("answers an EventBridge List call's Limit and NextToken, and refuses a token it did not give", () => {
    const first = paginate(items, 5, undefined);
    expect(first.items).toEqual(items.slice(0, 5));
    expect(paginate(items, 5, first.nextToken)).toEqual({ items: items.slice(5) });
    expect(() => paginate(items, 5, 'bogus')).toThrow(BusValidationError);
  });
});
