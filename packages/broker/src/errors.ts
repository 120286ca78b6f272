import { DependencyFailureError } from '@bridgeport/core';

/** PutEvents error codes worth retrying: the entry was not accepted, but a later attempt may be. */
export const RETRYABLE_PUT_EVENTS_ERROR_CODES: readonly string[] = ['ThrottlingException', 'InternalFailure'];

/** Whether a failed PutEvents entry (or the error a PutEvents call threw) may succeed when retried. */
export function isRetryablePutEventsError(errorCode: string | undefined): boolean {
  return errorCode === undefined || RETRYABLE_PUT_EVENTS_ERROR_CODES.includes(errorCode);
}

/**
 * The bus did not accept an event: the PutEvents call failed or returned the entry as failed
 * (`FailedEntryCount > 0`). Never reported as success; `retryable` tells a client whether to try again.
 */
export class PublishFailedError extends DependencyFailureError {
  override readonly name: string = 'PublishFailedError';
  /** The entry's `ErrorCode`, or the name of the error the call threw. */
  readonly errorCode: string;
  readonly retryable: boolean;

  constructor(errorCode: string, retryable: boolean, cause?: unknown) {
    super('Putting the event on the bus', cause, { context: { errorCode, retryable } });
    this.errorCode = errorCode;
    this.retryable = retryable;
  }
}
