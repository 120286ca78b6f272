/** Base class of every error raised by the pattern engine. */
export class EventPatternError extends Error {
  /** The AWS error code this error corresponds to. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventPatternError';
    this.code = code;
  }
}

/** Prefix of every `InvalidEventPatternException` message, as EventBridge words it. */
export const INVALID_PATTERN_PREFIX = 'Event pattern is not valid. Reason: ';

/** A pattern EventBridge would reject (`InvalidEventPatternException`). */
export class InvalidEventPatternError extends EventPatternError {
  /** AWS's reason text: the part of the message after `Event pattern is not valid. Reason: `. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`${INVALID_PATTERN_PREFIX}${reason}`, 'InvalidEventPatternException', options);
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
  }
}

/** An event TestEventPattern would reject (`ValidationException: Parameter Event is not valid.`). */
export class InvalidEventError extends EventPatternError {
  constructor(options?: { cause?: unknown }) {
    super('Parameter Event is not valid.', 'ValidationException', options);
    this.name = 'InvalidEventError';
  }
}
