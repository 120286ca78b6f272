import { BridgeportError, DependencyFailureError } from '@bridgeport/core';

/**
 * Runs one side effect; a failure that is not already one of Bridgeport's typed errors becomes a
 * `DependencyFailureError` naming the step ("Writing the schema backup failed"), with the cause kept for logs.
 */
export async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof BridgeportError) throw error;
    throw new DependencyFailureError(name, error);
  }
}
