/**
 * Errors of the local EventBridge, named after AWS's error codes so the AWS-compatible endpoint can
 * answer with AWS's own shapes (`{"__type": code, "message": ...}`, HTTP 400).
 */
export const BusErrorCode = {
  VALIDATION: 'ValidationException',
  RESOURCE_NOT_FOUND: 'ResourceNotFoundException',
  RESOURCE_ALREADY_EXISTS: 'ResourceAlreadyExistsException',
  LIMIT_EXCEEDED: 'LimitExceededException',
  INVALID_EVENT_PATTERN: 'InvalidEventPatternException',
  CONCURRENT_MODIFICATION: 'ConcurrentModificationException',
  INTERNAL: 'InternalException',
} as const;
export type BusErrorCode = (typeof BusErrorCode)[keyof typeof BusErrorCode];

/** Base error of the local bus; `code` is the AWS error code. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  readonly code: BusErrorCode;
  readonly context: Record<string, unknown>;

  constructor(
    code: BusErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

export class BusValidationError extends BusError {
  override readonly name = 'BusValidationError';
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(BusErrorCode.VALIDATION, message, context);
  }
}

export class BusResourceNotFoundError extends BusError {
  override readonly name = 'BusResourceNotFoundError';
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(BusErrorCode.RESOURCE_NOT_FOUND, message, context);
  }
}

export class BusResourceAlreadyExistsError extends BusError {
  override readonly name = 'BusResourceAlreadyExistsError';
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(BusErrorCode.RESOURCE_ALREADY_EXISTS, message, context);
  }
}

export class BusLimitExceededError extends BusError {
  override readonly name = 'BusLimitExceededError';
  constructor(message = 'The requested resource exceeds the maximum number allowed.', context = {}) {
    super(BusErrorCode.LIMIT_EXCEEDED, message, context);
  }
}

export class BusInvalidEventPatternError extends BusError {
  override readonly name = 'BusInvalidEventPatternError';
  constructor(message: string, options?: ErrorOptions) {
    super(BusErrorCode.INVALID_EVENT_PATTERN, message, {}, options);
  }
}

/** A delivery to a target failed; `retryable` decides between another attempt and the dead-letter sink. */
export class TargetDeliveryError extends Error {
  override readonly name = 'TargetDeliveryError';
  /** Short machine-readable code recorded with a dead letter, e.g. `HTTP_400`, `TIMEOUT`, `FUNCTION_ERROR`. */
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.retryable = retryable;
  }
}
