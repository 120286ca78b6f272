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

/** The caller did not prove who it is (no credentials, or credentials that do not verify). */
export class UnauthorizedError extends BridgeportError {
  override readonly name: string = 'UnauthorizedError';
}

/**
 * The caller is known but may not do this. `context.owner` names the team that may (safe to show: teams are
 * not secrets).
 */
export class ForbiddenError extends BridgeportError {
  override readonly name: string = 'ForbiddenError';
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
  /** Whether a later retry may pass. @default isTransientAwsError(cause) */
  readonly retryable: boolean;

  constructor(step: string, cause?: unknown, options: DependencyFailureOptions = {}) {
    const { retryable, ...rest } = options;
    super(`${step} failed`, { ...rest, cause, context: { step, ...(rest.context ?? {}) } });
    this.step = step;
    this.retryable = retryable ?? isTransientAwsError(cause);
  }
}

/** Options of a `DependencyFailureError`: the cause is its own argument; `retryable` overrides the cause's shape. */
export interface DependencyFailureOptions extends Omit<BridgeportErrorOptions, 'cause'> {
  readonly retryable?: boolean;
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

/** Error names (and codes) AWS services and the SDK use when a call throttled, timed out or failed on AWS's side. */
const TRANSIENT_AWS_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServerErrorException',
]);

/** Node.js error codes of a connection that broke or never completed. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * Whether an error an AWS SDK call threw may pass when retried later: throttling, a timeout, a broken
 * connection, or a fault on AWS's side (the SDK's `$fault: 'server'`, HTTP 429 or 5xx). A pure function of the
 * error's shape (`name`, `code`, `$fault`, `$retryable`, `$metadata.httpStatusCode`); anything else — a refused,
 * malformed or missing request — is not transient.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $fault, $metadata, $retryable } = error as {
    name?: unknown;
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: { throttling?: unknown };
  };
  if ($fault === 'server' || $retryable?.throttling === true) return true;
  if (typeof name === 'string' && TRANSIENT_AWS_ERROR_NAMES.has(name)) return true;
  if (
    typeof code === 'string' &&
    (TRANSIENT_NETWORK_CODES.has(code) || TRANSIENT_AWS_ERROR_NAMES.has(code))
  ) {
    return true;
  }
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && (status === 429 || status >= 500);
}
