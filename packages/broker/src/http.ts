import {
  BridgeportError,
  ConflictError,
  DependencyFailureError,
  isTransientAwsError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import { StepFailedError } from './errors';
import { describeError, type Logger } from './logger';

/** An HTTP answer in the shape API Gateway's Lambda proxy integration expects. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Body of every error answer. */
export interface ErrorBody {
  readonly message: string;
  readonly errors?: readonly ValidationProblem[];
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The one place typed errors become HTTP answers. Client mistakes keep their message (and problems);
 * a failed dependency names the failed step only (`503` with `Retry-After` when a retry may pass, else `502`); anything unexpected is a generic 500, its cause logged.
 */
export function errorResponse(error: unknown, logger: Logger): HttpResponse {
  if (error instanceof ValidationError) {
    return jsonResponse(400, { message: error.message, errors: error.problems } satisfies ErrorBody);
  }
  if (error instanceof NotFoundError)
    return jsonResponse(404, { message: error.message } satisfies ErrorBody);
  if (error instanceof ConflictError)
    return jsonResponse(409, { message: error.message } satisfies ErrorBody);
  if (error instanceof PayloadTooLargeError)
    return jsonResponse(413, { message: error.message } satisfies ErrorBody);
  if (error instanceof UnsupportedMediaTypeError) {
    return jsonResponse(415, { message: error.message } satisfies ErrorBody);
  }
  if (error instanceof StepFailedError) {
    logger.error(error.message, {
      errorCode: error.errorCode,
      ...describeError(error.cause),
    });
    return error.retryable
      ? jsonResponse(503, { message: error.message } satisfies ErrorBody, { 'retry-after': '1' })
      : jsonResponse(502, { message: error.message } satisfies ErrorBody);
  }
  if (error instanceof DependencyFailureError) {
    logger.error(error.message, describeError(error.cause));
    return isTransientAwsError(error.cause)
      ? jsonResponse(503, { message: error.message } satisfies ErrorBody, { 'retry-after': '1' })
      : jsonResponse(502, { message: error.message } satisfies ErrorBody);
  }
  logger.error('Unexpected error', {
    ...describeError(error),
    ...(error instanceof BridgeportError ? { context: error.context } : {}),
  });
  return jsonResponse(500, { message: 'Internal server error' } satisfies ErrorBody);
}
