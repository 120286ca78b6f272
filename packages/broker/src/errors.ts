import { DependencyFailureError, isTransientAwsError } from '@bridgeport/core';

/** PutEvents error codes worth retrying: the entry was not accepted, but a later attempt may be. */
export const RETRYABLE_PUT_EVENTS_ERROR_CODES: readonly string[] = ['ThrottlingException', 'InternalFailure'];

/** Whether a failed PutEvents entry (or the error a PutEvents call threw) may succeed when retried. */
export function isRetryablePutEventsError(errorCode: string | undefined): boolean {
  return errorCode === undefined || RETRYABLE_PUT_EVENTS_ERROR_CODES.includes(errorCode);
}

/**
 * A step of handling a request failed in an AWS dependency. The message names the step only; `errorCode`
 * (the failing code or error name) and the cause are for the logs; `retryable` tells a client whether to
 * try again (`503` with `Retry-After`) or not (`502`).
 */
export class StepFailedError extends DependencyFailureError {
  override readonly name: string = 'StepFailedError';
  readonly errorCode: string;

  constructor(step: string, errorCode: string, retryable: boolean, cause?: unknown) {
    super(step, cause, { retryable, context: { errorCode, retryable } });
    this.errorCode = errorCode;
  }
}

/**
 * The bus did not accept an event: the PutEvents call failed or returned the entry as failed
 * (`FailedEntryCount > 0`). Never reported as success; `retryable` tells a client whether to try again.
 */
export class PublishFailedError extends StepFailedError {
  override readonly name: string = 'PublishFailedError';

  constructor(errorCode: string, retryable: boolean, cause?: unknown) {
    super('Putting the event on the bus', errorCode, retryable, cause);
  }
}

/** Reading a producer manifest failed for another reason than its absence (S3 throttled, failed or refused). */
export class ManifestReadFailedError extends StepFailedError {
  override readonly name: string = 'ManifestReadFailedError';
  /** Object key of the manifest. */
  readonly key: string;

  constructor(key: string, cause: unknown) {
    super(
      'Loading the producer manifest',
      cause instanceof Error ? cause.name : 'UnknownError',
      isTransientAwsError(cause),
      cause,
    );
    this.key = key;
  }
}
