/** The version id an S3 write made, carried from the version store to the response and the write's event. */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The version a request made, for its response header and its event (set by the store, read by the routes). */
export const versionContext = new AsyncLocalStorage<{ versionId?: string }>();
let versionContextsOpen = 0;

/**
 * Runs one S3 write in its own `versionContext`. The context is switched off again once no write is under way:
 * an enabled AsyncLocalStorage keeps Node's promise hooks on, a cost every request of the runtime would pay.
 */
export async function withVersionContext<T>(
  context: { versionId?: string },
  write: () => Promise<T>,
): Promise<T> {
  versionContextsOpen += 1;
  try {
    return await versionContext.run(context, write);
  } finally {
    versionContextsOpen -= 1;
    if (versionContextsOpen === 0) versionContext.disable();
  }
}
