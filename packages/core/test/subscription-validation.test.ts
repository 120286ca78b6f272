import { DEFAULT_RETRY_POLICY, validateSubscriptionRequest } from '../src/subscription-validation';
import { errorsOf } from './support/requests';

const lambdaArn = 'arn:aws:lambda:eu-west-1:123456789012:function:parcel-notifier';
const subscription = {
  event_type: 'parcel_delivered',
  version: 1,
  connection_type: 'LAMBDA',
  connection_string: lambdaArn,
};

describe('validateSubscriptionRequest', () => {
  it('accepts a minimal subscription without inventing optional fields', () => {
    expect(validateSubscriptionRequest(subscription)).toEqual({ ok: true, value: subscription });
  });

  it('accepts a full subscription', () => {
    const full = {
      ...subscription,
      target_unit: 'u'.repeat(256),
      filter: { weight: [{ numeric: ['>', 10] }] },
      retry_policy: { maximum_event_age_seconds: 60, maximum_retry_attempts: 0 },
    };
    expect(validateSubscriptionRequest(full)).toEqual({ ok: true, value: full });
  });

  it('accepts a secret name and a rate limit for an HTTPS consumer', () => {
    const https = {
      event_type: 'parcel_delivered',
      version: 1,
      connection_type: 'HTTPS',
      connection_string: 'https://hooks.example.com/parcels',
      secret_name: 'consumers/parcels+hooks=1.x@team_a-b',
      rate_limit_per_second: 300,
    };
    expect(validateSubscriptionRequest(https)).toEqual({ ok: true, value: https });
    expect(
      validateSubscriptionRequest({ ...https, secret_name: 's'.repeat(512), rate_limit_per_second: 1 }),
    ).toMatchObject({ ok: true });
  });

  it('refuses a secret name or a rate limit outside what Secrets Manager and EventBridge accept', () => {
    const https = {
      event_type: 'parcel_delivered',
      version: 1,
      connection_type: 'HTTPS',
      connection_string: 'https://hooks.example.com/parcels',
    };
    const secretProblem =
      'must be the name of a Secrets Manager secret: 1–512 characters of A–Z, a–z, 0–9 and /_+=.@-';
    for (const secret_name of ['', 's'.repeat(513), 'has space', 'semi;colon', 42]) {
      expect(validateSubscriptionRequest({ ...https, secret_name })).toEqual({
        ok: false,
        errors: [{ path: '$.secret_name', message: secretProblem }],
      });
    }
    for (const rate_limit_per_second of [0, 301, 2.5, '10']) {
      expect(validateSubscriptionRequest({ ...https, rate_limit_per_second })).toEqual({
        ok: false,
        errors: [{ path: '$.rate_limit_per_second', message: 'must be an integer from 1 to 300' }],
      });
    }
  });

  it('refuses a secret name and a rate limit for consumers other than HTTPS', () => {
    const result = validateSubscriptionRequest({
      ...subscription,
      secret_name: 'consumers/parcels',
      rate_limit_per_second: 5,
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: '$.secret_name', message: 'applies only to HTTPS consumers' },
        { path: '$.rate_limit_per_second', message: 'applies only to HTTPS consumers' },
      ],
    });
  });

  it('completes a partial retry policy with the EventBridge defaults', () => {
    const result = validateSubscriptionRequest({
      ...subscription,
      retry_policy: { maximum_retry_attempts: 3 },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        ...subscription,
        retry_policy: { maximum_event_age_seconds: 86400, maximum_retry_attempts: 3 },
      },
    });
    expect(DEFAULT_RETRY_POLICY).toEqual({ maximum_event_age_seconds: 86400, maximum_retry_attempts: 185 });
  });

  it('reports every missing field', () => {
    expect(errorsOf(validateSubscriptionRequest({}))).toEqual([
      { path: '$.event_type', message: 'is required' },
      { path: '$.version', message: 'is required' },
      { path: '$.connection_type', message: 'is required' },
      { path: '$.connection_string', message: 'is required' },
    ]);
  });

  it('reports unknown fields', () => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, source: 'x' }))).toEqual([
      { path: '$.source', message: 'unknown field' },
    ]);
  });

  it.each([0, -1, 1.5, '1'])('rejects the version %j', (version) => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, version }))).toEqual([
      { path: '$.version', message: 'must be an integer of at least 1' },
    ]);
  });

  it.each(['', 'u'.repeat(257)])('rejects a target_unit of %#', (target_unit) => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, target_unit }))).toEqual([
      { path: '$.target_unit', message: 'must be 1–256 characters long' },
    ]);
  });

  it('rejects an unknown consumer connection type', () => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, connection_type: 'SNS' }))).toEqual([
      { path: '$.connection_type', message: 'must be one of LAMBDA, SQS, HTTPS' },
    ]);
  });

  it.each([
    'arn:aws:lambda:eu-west-1:123456789012:function:parcel-notifier:live',
    'arn:aws:lambda:eu-west-1:123456789012:function:parcel-notifier:7',
    'arn:aws:lambda:eu-west-1:123456789012:function:parcel-notifier:$LATEST',
    'arn:aws-cn:lambda:cn-north-1:123456789012:function:f',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f',
    'arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f',
    'arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f',
    `arn:aws:lambda:eu-west-1:123456789012:function:${'f'.repeat(64)}`,
  ])('accepts the Lambda ARN %s', (connection_string) => {
    expect(validateSubscriptionRequest({ ...subscription, connection_string }).ok).toBe(true);
  });

  it.each([
    'parcel-notifier',
    'arn:aws:lambda:eu-west-1:12345678901:function:f',
    'arn:aws:lambda:eu-west-1:123456789012:layer:f',
    'arn:aws:sqs:eu-west-1:123456789012:f',
    'arn:azure:lambda:eu-west-1:123456789012:function:f',
    'arn:aws:lambda::123456789012:function:f',
    `arn:aws:lambda:eu-west-1:123456789012:function:${'f'.repeat(65)}`,
    'arn:aws:lambda:eu-west-1:123456789012:function:f:a:b',
  ])('rejects the Lambda ARN %s', (connection_string) => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, connection_string }))).toEqual([
      {
        path: '$.connection_string',
        message:
          'must be a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])',
      },
    ]);
  });

  it.each([
    'arn:aws:sqs:eu-west-1:123456789012:parcel-events',
    `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(80)}`,
    'arn:aws-cn:sqs:cn-northwest-1:123456789012:q',
  ])('accepts the SQS ARN %s', (connection_string) => {
    expect(
      validateSubscriptionRequest({ ...subscription, connection_type: 'SQS', connection_string }).ok,
    ).toBe(true);
  });

  it.each([
    'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
    `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(81)}`,
    `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(76)}.fifo`,
    'arn:aws:sqs:eu-west-1:123456789012:q.x',
    lambdaArn,
  ])('rejects the SQS ARN %s', (connection_string) => {
    expect(
      errorsOf(validateSubscriptionRequest({ ...subscription, connection_type: 'SQS', connection_string })),
    ).toEqual([
      {
        path: '$.connection_string',
        message: 'must be an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue name>)',
      },
    ]);
  });

  it.each([
    'arn:aws:sqs:eu-west-1:123456789012:parcel-events.fifo',
    `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(75)}.fifo`,
  ])('refuses the FIFO queue %s, saying a message group id would be needed', (connection_string) => {
    expect(
      errorsOf(validateSubscriptionRequest({ ...subscription, connection_type: 'SQS', connection_string })),
    ).toEqual([
      {
        path: '$.connection_string',
        message:
          "names a FIFO queue: EventBridge delivers to a FIFO queue only with a message group id set on the rule's target (SqsParameters.MessageGroupId), which Bridgeport does not set; subscribe a standard queue",
      },
    ]);
  });

  it.each([
    ['LAMBDA', 'arn:aws:lambda:us-east-1:123456789012:function:parcel-notifier', 'a Lambda function'],
    ['SQS', 'arn:aws:sqs:us-east-1:123456789012:parcel-events', 'an SQS queue'],
  ])(
    'refuses a %s target in another region than the deployment',
    (connection_type, connection_string, what) => {
      expect(
        errorsOf(
          validateSubscriptionRequest(
            { ...subscription, connection_type, connection_string },
            { region: 'eu-west-1' },
          ),
        ),
      ).toEqual([
        {
          path: '$.connection_string',
          message: `names region us-east-1, but this deployment's event bus is in eu-west-1: an EventBridge rule can only invoke ${what} in its own region (another region would need an event bus there to forward to); use ${what} in eu-west-1`,
        },
      ]);
    },
  );

  it.each([
    ['LAMBDA', lambdaArn],
    ['SQS', 'arn:aws:sqs:eu-west-1:123456789012:parcel-events'],
  ])('accepts a %s target in the deployment region', (connection_type, connection_string) => {
    expect(
      validateSubscriptionRequest(
        { ...subscription, connection_type, connection_string },
        { region: 'eu-west-1' },
      ).ok,
    ).toBe(true);
  });

  it.each([
    'https://hooks.example.com/parcels',
    'https://203.0.114.7:8443/p?x=1',
    'HTTPS://hooks.example.com',
  ])('accepts the HTTPS endpoint %s', (connection_string) => {
    expect(
      validateSubscriptionRequest({ ...subscription, connection_type: 'HTTPS', connection_string }).ok,
    ).toBe(true);
  });

  it.each([
    ['http://hooks.example.com/parcels', 'must be an absolute https:// URL'],
    ['/parcels', 'must be an absolute https:// URL'],
    ['https:hooks.example.com', 'must be an absolute https:// URL'],
    [
      'https://user:secret@hooks.example.com/',
      'must not contain credentials (they are kept in Secrets Manager)',
    ],
    [`https://hooks.example.com/${'p'.repeat(2048)}`, 'must be at most 2048 characters long'],
  ])('rejects the HTTPS endpoint %s', (connection_string, message) => {
    expect(
      errorsOf(validateSubscriptionRequest({ ...subscription, connection_type: 'HTTPS', connection_string })),
    ).toEqual([{ path: '$.connection_string', message }]);
  });

  it.each(['http://127.0.0.1:8080/sink', 'http://localhost/sink', 'http://[::1]:9000/'])(
    'accepts the loopback http endpoint %s only when the local runtime allows it',
    (connection_string) => {
      const request = { ...subscription, connection_type: 'HTTPS', connection_string };
      expect(errorsOf(validateSubscriptionRequest(request))).toEqual([
        { path: '$.connection_string', message: 'must be an absolute https:// URL' },
      ]);
      expect(validateSubscriptionRequest(request, { allowLoopbackTargets: true }).ok).toBe(true);
    },
  );

  it('keeps rejecting http:// to other hosts when loopback http is allowed', () => {
    const request = { ...subscription, connection_type: 'HTTPS', connection_string: 'http://10.0.0.8/sink' };
    expect(errorsOf(validateSubscriptionRequest(request, { allowLoopbackTargets: true }))).toEqual([
      {
        path: '$.connection_string',
        message: 'must be an absolute https:// URL (or http:// on a loopback host)',
      },
    ]);
  });

  it.each([{}, [], 'x', null])('rejects the filter %j', (filter) => {
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, filter }))).toEqual([
      { path: '$.filter', message: 'must be a non-empty JSON object' },
    ]);
  });

  it('rejects retry policies outside the EventBridge limits', () => {
    expect(
      errorsOf(
        validateSubscriptionRequest({
          ...subscription,
          retry_policy: { maximum_event_age_seconds: 59, maximum_retry_attempts: 186, dlq: true },
        }),
      ),
    ).toEqual([
      { path: '$.retry_policy.dlq', message: 'unknown field' },
      { path: '$.retry_policy.maximum_event_age_seconds', message: 'must be an integer from 60 to 86400' },
      { path: '$.retry_policy.maximum_retry_attempts', message: 'must be an integer from 0 to 185' },
    ]);
    expect(
      errorsOf(
        validateSubscriptionRequest({ ...subscription, retry_policy: { maximum_event_age_seconds: 86401 } }),
      ),
    ).toEqual([
      { path: '$.retry_policy.maximum_event_age_seconds', message: 'must be an integer from 60 to 86400' },
    ]);
    expect(errorsOf(validateSubscriptionRequest({ ...subscription, retry_policy: 5 }))).toEqual([
      { path: '$.retry_policy', message: 'must be an object' },
    ]);
  });
});
