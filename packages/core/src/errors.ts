import type { ValidationProblem } from './types';

/** Options accepted by every Bridgeport error: the standard `cause` plus structured context. */
export interface BridgeportErrorOptions extends ErrorOptions {
  /** Machine-readable details (ids, names, blocking resources); never secrets. */
  readonly context?: Record<string, unknown>;
}

/** Base of every error Bridgeport raises on purpose. Anything else reaching an edge is a bug (HTTP 500). */
export class BridgeportError extends Error {
  override readonly name: string = 'BridgeportError';
  readonly context: Record<string, unknown>;

  constructor(message: string, options: BridgeportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = { ...(options.context ?? {}) };
  }
}

function summarize(problems: readonly ValidationProblem[]): string {
  const [first] = problems;
  if (first === undefined) return '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `: ${first.path} ${first.message}${more}`;
}

/** The input breaks one or more rules; `problems` lists every one with its JSON path. */
export class ValidationError extends BridgeportError {
  override readonly name: string = 'ValidationError';
  readonly problems: readonly ValidationProblem[];

  constructor(message: string, problems: readonly ValidationProblem[], options: BridgeportErrorOptions = {}) {
    super(message, options);
    this.problems = [...problems];
  }
}

/** The addressed resource (event type, version, subscription…) does not exist. */
export class NotFoundError extends BridgeportError {
  override readonly name: string = 'NotFoundError';
}

/** The request conflicts with the current state (already exists, still referenced…). `context` says by what. */
export class ConflictError extends BridgeportError {
  override readonly name: string = 'ConflictError';
}

/** A conditional request's precondition (e.g. an expected version) no longer holds. */
export class PreconditionFailedError extends BridgeportError {
  override readonly name: string = 'PreconditionFailedError';
}

/** A body, schema or event is larger than allowed. */
export class PayloadTooLargeError extends BridgeportError {
  override readonly name: string = 'PayloadTooLargeError';
}

/** The request body is not in a media type Bridgeport accepts (JSON). */
export class UnsupportedMediaTypeError extends BridgeportError {
  override readonly name: string = 'UnsupportedMediaTypeError';
}

/**
 * A downstream service failed. The message names the step only ("Writing the schema backup failed"),
 * never the internal cause, so it is safe to show; the cause is kept for logs.
 */
export class DependencyFailureError extends BridgeportError {
  override readonly name: string = 'DependencyFailureError';
  readonly step: string;

  constructor(step: string, cause?: unknown, options: Omit<BridgeportErrorOptions, 'cause'> = {}) {
    super(`${step} failed`, { ...options, cause, context: { step, ...(options.context ?? {}) } });
    this.step = step;
  }
}

/** A deployment manifest (a `deploy.json`) does not parse or breaks its schema. */
export class InvalidManifestError extends BridgeportError {
  override readonly name: string = 'InvalidManifestError';
  readonly source: string;
  readonly problems: readonly ValidationProblem[];

  constructor(source: string, problems: readonly ValidationProblem[], options: BridgeportErrorOptions = {}) {
    super(`Invalid manifest ${source}${summarize(problems)}`, {
      ...options,
      context: { source, ...(options.context ?? {}) },
    });
    this.source = source;
    this.problems = [...problems];
  }
}

/** An environment variable is missing or malformed; the message names it. */
export class ConfigurationError extends BridgeportError {
  override readonly name: string = 'ConfigurationError';
  readonly variable: string;

  constructor(variable: string, message: string, options: BridgeportErrorOptions = {}) {
    super(message, { ...options, context: { variable, ...(options.context ?? {}) } });
    this.variable = variable;
  }
}
