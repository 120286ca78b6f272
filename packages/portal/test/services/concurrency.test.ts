import { mapInOrder } from '../../src/services/concurrency';

/** A call that settles when the test says so, recording how many calls were in flight at once. */
function gate() {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const release = new Map<number, () => void>();
  const call = (item: number) => {
    started.push(item);
    inFlight += 1;
    most = Math.max(most, inFlight);
    return new Promise<number>((resolve) => {
      release.set(item, () => {
        inFlight -= 1;
        resolve(item * 10);
      });
    });
  };
  return { call, started, release, most: () => most };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapInOrder', () => {
  it('answers in the order of the items, whatever order the calls finish in, with at most `limit` in flight', async () => {
    const { call, started, release, most } = gate();
    const answer = mapInOrder([1, 2, 3, 4, 5], 2, call);
    await tick();
    expect(started).toEqual([1, 2]);
    for (const item of [2, 1, 4, 3, 5]) {
      while (!release.has(item)) await tick();
      release.get(item)?.();
      await tick();
    }
    await expect(answer).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(most()).toBe(2);
  });

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = [];
    const answer = mapInOrder([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error('read failed');
      return item;
    });
    await expect(answer).rejects.toThrow('read failed');
    expect(started).toEqual([1, 2, 3]);
  });

  it('answers an empty list without calling', async () => {
    const fn = jest.fn(async (item: number) => item);
    await expect(mapInOrder([], 8, fn)).resolves.toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });
});
