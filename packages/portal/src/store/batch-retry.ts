/**
 * Retrying what DynamoDB leaves unprocessed in a batch (it does so when it throttles the table): again after
 * an exponential backoff with full jitter, a bounded number of times, then `UnprocessedKeysError` — a batch
 * never comes back shorter than asked without saying so.
 */
import { UnprocessedKeysError } from './store-errors';

/** How many times a batch is sent at most (the first time included). */
export const BATCH_ATTEMPTS = 5;
/** The backoff before the second attempt may last up to this; each later one, twice as long as the one before. */
export const BATCH_BACKOFF_BASE_MILLIS = 25;
/** No single backoff lasts longer than this. */
export const BATCH_BACKOFF_MAX_MILLIS = 500;

/** The backoff before attempt `attempt + 1` (full jitter: uniform between 0 and the exponential bound). */
export function batchBackoffMillis(attempt: number, random: () => number = Math.random): number {
  const bound = Math.min(BATCH_BACKOFF_MAX_MILLIS, BATCH_BACKOFF_BASE_MILLIS * 2 ** (attempt - 1));
  return Math.floor(random() * bound);
}

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));

/**
 * Sends `requests` with `send`, which answers the ones left unprocessed, until none is left; throws
 * `UnprocessedKeysError` (naming `step`) when some are still left after `BATCH_ATTEMPTS` sends.
 */
export async function sendUntilProcessed<T>(
  step: string,
  requests: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
): Promise<void> {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) await sleep(batchBackoffMillis(attempt - 1));
    pending = await send(pending);
    if (pending.length > 0 && attempt === BATCH_ATTEMPTS) {
      throw new UnprocessedKeysError(step, pending.length, BATCH_ATTEMPTS);
    }
  }
}
