import {
  BridgeportError,
  ConfigurationError,
  ConflictError,
  DependencyFailureError,
  InvalidManifestError,
  isTransientAwsError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../src/errors';

describe('errors', () => {
  it('keeps name, message, cause and context on the base error', () => {
    const cause = new Error('socket hang up');
    const error = new BridgeportError('Something failed', { cause, context: { table: 't' } });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BridgeportError');
    expect(error.message).toBe('Something failed');
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ table: 't' });
  });

  it.each([
    [new NotFoundError('Event type parcel_delivered not found'), 'NotFoundError'],
    [new ConflictError('Still subscribed', { context: { subscriptions: ['abc'] } }), 'ConflictError'],
    [new PreconditionFailedError('Version changed'), 'PreconditionFailedError'],
    [new PayloadTooLargeError('Too large'), 'PayloadTooLargeError'],
    [new UnsupportedMediaTypeError('Not JSON'), 'UnsupportedMediaTypeError'],
  ])('names each subclass and keeps it a BridgeportError (%#)', (error, name) => {
    expect(error).toBeInstanceOf(BridgeportError);
    expect(error.name).toBe(name);
  });

  it('carries every validation problem', () => {
    const problems = [
      { path: '$.application', message: 'is required' },
      { path: '$.version', message: 'must be an integer' },
    ];
    const error = new ValidationError('Invalid subscription', problems);

    expect(error.name).toBe('ValidationError');
    expect(error.problems).toEqual(problems);
  });

  it('names the failed step but not the internal cause of a dependency failure', () => {
    const cause = new Error('AccessDenied: arn:aws:s3:::secret-bucket');
    const error = new DependencyFailureError('Writing the schema backup', cause);

    expect(error.message).toBe('Writing the schema backup failed');
    expect(error.message).not.toContain('AccessDenied');
    expect(error.step).toBe('Writing the schema backup');
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ step: 'Writing the schema backup' });
  });

  it('names the manifest source and its first problem', () => {
    const error = new InvalidManifestError('parcel/1/deploy.json', [
      { path: '$.format', message: 'must be 1' },
      { path: '$.account', message: 'is required' },
    ]);

    expect(error.message).toBe('Invalid manifest parcel/1/deploy.json: $.format must be 1 (and 1 more)');
    expect(error.source).toBe('parcel/1/deploy.json');
    expect(error.problems).toHaveLength(2);
  });

  it('names the variable of a configuration error', () => {
    const error = new ConfigurationError(
      'EVENTS_TABLE_NAME',
      'Environment variable EVENTS_TABLE_NAME is not set',
    );

    expect(error.variable).toBe('EVENTS_TABLE_NAME');
    expect(error.context).toEqual({ variable: 'EVENTS_TABLE_NAME' });
  });
});

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('isTransientAwsError', () => {
  it.each([
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'TooManyRequestsException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'SlowDown',
    'RequestTimeout',
    'TimeoutError',
    'ServiceUnavailable',
    'InternalError',
    'InternalFailure',
    'InternalServerError',
  ])('treats %s as transient', (name) => {
    expect(isTransientAwsError(awsError(name))).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'])(
    'treats a %s network error as transient',
    (code) => {
      expect(isTransientAwsError(awsError('Error', { code }))).toBe(true);
    },
  );

  it('treats an HTTP 429 or 5xx answer and a server fault as transient', () => {
    expect(isTransientAwsError(awsError('Unknown', { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isTransientAwsError(awsError('Unknown', { $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isTransientAwsError(awsError('Unknown', { $fault: 'server' }))).toBe(true);
    expect(isTransientAwsError(awsError('Unknown', { $retryable: { throttling: true } }))).toBe(true);
  });

  it('treats refused, malformed and missing requests as permanent', () => {
    expect(isTransientAwsError(awsError('AccessDeniedException', { $fault: 'client' }))).toBe(false);
    expect(isTransientAwsError(awsError('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
    expect(isTransientAwsError(awsError('NoSuchKey', { $metadata: { httpStatusCode: 404 } }))).toBe(false);
    expect(isTransientAwsError('ThrottlingException')).toBe(false);
    expect(isTransientAwsError(undefined)).toBe(false);
  });
});
