import {
  BATCH_BACKOFF_BASE_MILLIS,
  BATCH_BACKOFF_MAX_MILLIS,
  batchBackoffMillis,
  sendUntilProcessed,
} from '../../src/store/batch-retry';
import { UnprocessedKeysError } from '../../src/store/store-errors';

describe('the backoff between batch attempts', () => {
  it('doubles its bound after each attempt, up to the maximum', () => {
    const bounds = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => batchBackoffMillis(attempt, () => 1));

    expect(bounds).toEqual([25, 50, 100, 200, 400, 500, 500, 500]);
    expect(bounds[0]).toBe(BATCH_BACKOFF_BASE_MILLIS);
    expect(Math.max(...bounds)).toBe(BATCH_BACKOFF_MAX_MILLIS);
  });

  it('draws each backoff uniformly below its bound (full jitter)', () => {
    expect(batchBackoffMillis(3, () => 0)).toBe(0);
    expect(batchBackoffMillis(3, () => 0.5)).toBe(50);
    expect(batchBackoffMillis(3, () => 0.999)).toBe(99);
  });
});

describe('sending a batch until it is processed', () => {
  it('sends again only what was left unprocessed', async () => {
    const sent: string[][] = [];
    await sendUntilProcessed('Reading', ['a', 'b', 'c'], async (pending) => {
      sent.push([...pending]);
      return sent.length === 1 ? ['c'] : [];
    });

    expect(sent).toEqual([['a', 'b', 'c'], ['c']]);
  });

  it('sends nothing for an empty batch', async () => {
    const send = jest.fn(async () => []);

    await sendUntilProcessed('Reading', [], send);

    expect(send).not.toHaveBeenCalled();
  });

  it('gives up with UnprocessedKeysError after its attempts', async () => {
    const send = jest.fn(async (pending: readonly string[]) => pending);

    await expect(sendUntilProcessed('Reading the subscriptions', ['a', 'b'], send)).rejects.toEqual(
      expect.objectContaining({ name: 'UnprocessedKeysError', unprocessed: 2 }),
    );
    await expect(sendUntilProcessed('Reading', ['a'], send)).rejects.toBeInstanceOf(UnprocessedKeysError);
    expect(send).toHaveBeenCalledTimes(10);
  });
});
