import { buildEnvelopeSchema, createPayloadValidator } from '../src/envelope';
import type { ValidationProblem } from '../src/types';
import {
  DEFAULT_RETRY_POLICY,
  validateDataSchema,
  validateEventTypeRequest,
  validateEventTypeUpdate,
  validateSubscriptionRequest,
} from '../src/validation';

const dataSchema = {
  type: 'object',
  required: ['parcel_id'],
  properties: { parcel_id: { type: 'string' }, delivered_at: { type: 'string', format: 'date-time' } },
};
const eventType = {
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  description: 'A parcel reached its recipient',
  connection_type: 'HTTPS',
  data: dataSchema,
};

function errorsOf(result: { ok: true } | { ok: false; errors: ValidationProblem[] }): ValidationProblem[] {
  if (result.ok) throw new Error('expected validation to fail');
  return result.errors;
}

describe('validateEventTypeRequest', () => {
  it('accepts a valid request and returns it typed', () => {
    expect(validateEventTypeRequest(eventType)).toEqual({ ok: true, value: eventType });
  });

  it('accepts an SQS producer and names at their length limits', () => {
    const request = {
      ...eventType,
      application: `a${'b'.repeat(63)}`,
      event_type: `e${'x'.repeat(63)}`,
      description: 'd'.repeat(1024),
      connection_type: 'SQS',
    };
    expect(validateEventTypeRequest(request).ok).toBe(true);
  });

  it('accepts allowed principals of an SQS producer: account ids, root, role and user ARNs in any partition', () => {
    const allowed_principals = [
      '123456789012',
      'arn:aws:iam::123456789012:root',
      'arn:aws-cn:iam::123456789012:role/path/warehouse-sync',
      'arn:aws-us-gov:iam::123456789012:user/scanner+bot@depot',
    ];
    const request = { ...eventType, connection_type: 'SQS', allowed_principals };

    expect(validateEventTypeRequest(request)).toEqual({ ok: true, value: request });
  });

  it('refuses allowed principals that are not IAM principals, naming each item', () => {
    const request = {
      ...eventType,
      connection_type: 'SQS',
      allowed_principals: [
        'arn:aws:iam::123456789012:role/ok',
        'arn:aws:iam::12345:role/short-account',
        'arn:aws-mars:iam::123456789012:root',
        'arn:aws:iam::123456789012:group/readers',
        'arn:aws:sts::123456789012:assumed-role/x/y',
        '*',
        42,
        'arn:aws:iam::123456789012:role/ok',
      ],
    };
    const errors = errorsOf(validateEventTypeRequest(request));

    expect(errors.map((error) => error.path)).toEqual([
      '$.allowed_principals[1]',
      '$.allowed_principals[2]',
      '$.allowed_principals[3]',
      '$.allowed_principals[4]',
      '$.allowed_principals[5]',
      '$.allowed_principals[6]',
      '$.allowed_principals[7]',
    ]);
    expect(errors[1]?.message).toMatch(
      /^must be a 12-digit account id or an IAM ARN arn:\{partition\}:iam::\{account\}:root, …:role\/\{name\} or …:user\/\{name\}, with a partition of aws, aws-cn, /,
    );
    expect(errors[5]).toEqual({ path: '$.allowed_principals[6]', message: 'must be a string' });
    expect(errors[6]).toEqual({ path: '$.allowed_principals[7]', message: 'is named twice' });
  });

  it('refuses an empty or oversized principal list, and principals on an HTTPS producer', () => {
    const sqs = { ...eventType, connection_type: 'SQS' };
    const many = Array.from({ length: 51 }, (_, i) => String(100000000000 + i));

    expect(errorsOf(validateEventTypeRequest({ ...sqs, allowed_principals: [] }))).toEqual([
      { path: '$.allowed_principals', message: 'must be a list of 1 to 50 IAM principals' },
    ]);
    expect(errorsOf(validateEventTypeRequest({ ...sqs, allowed_principals: many }))).toEqual([
      { path: '$.allowed_principals', message: 'must be a list of 1 to 50 IAM principals' },
    ]);
    expect(
      errorsOf(validateEventTypeRequest({ ...eventType, allowed_principals: ['123456789012'] })),
    ).toEqual([{ path: '$.allowed_principals', message: 'is only for SQS event types' }]);
  });

  it('accepts a rate limit for an HTTPS producer from 1 to 10,000 per second, and refuses it elsewhere', () => {
    const limited = { ...eventType, rate_limit_per_second: 25 };

    expect(validateEventTypeRequest(limited)).toEqual({ ok: true, value: limited });
    for (const rate_limit_per_second of [0, 10_001, 2.5, '25']) {
      expect(errorsOf(validateEventTypeRequest({ ...eventType, rate_limit_per_second }))).toEqual([
        { path: '$.rate_limit_per_second', message: 'must be an integer from 1 to 10000' },
      ]);
    }
    expect(
      errorsOf(validateEventTypeRequest({ ...eventType, connection_type: 'SQS', rate_limit_per_second: 25 })),
    ).toEqual([{ path: '$.rate_limit_per_second', message: 'is only for HTTPS event types' }]);
  });

  it('rejects a body that is not an object', () => {
    expect(errorsOf(validateEventTypeRequest([eventType]))).toEqual([
      { path: '$', message: 'must be a JSON object' },
    ]);
  });

  it('reports every missing field', () => {
    expect(errorsOf(validateEventTypeRequest({}))).toEqual([
      { path: '$.application', message: 'is required' },
      { path: '$.event_type', message: 'is required' },
      { path: '$.description', message: 'is required' },
      { path: '$.connection_type', message: 'is required' },
      { path: '$.data', message: 'is required' },
    ]);
  });

  it('reports unknown fields', () => {
    expect(errorsOf(validateEventTypeRequest({ ...eventType, version: 1, owner: 'x' }))).toEqual([
      { path: '$.version', message: 'unknown field' },
      { path: '$.owner', message: 'unknown field' },
    ]);
  });

  it.each([
    ['Parcel', 'must match ^[a-z][a-z0-9._-]{0,63}$'],
    [`a${'b'.repeat(64)}`, 'must match ^[a-z][a-z0-9._-]{0,63}$'],
    ['aws.parcel', 'must not start with "aws." (reserved for AWS event sources)'],
    [42, 'must be a string'],
  ])('rejects the application %j', (application, message) => {
    expect(errorsOf(validateEventTypeRequest({ ...eventType, application }))).toEqual([
      { path: '$.application', message },
    ]);
  });

  it.each(['parcel-delivered', 'ParcelDelivered', '1parcel', `e${'x'.repeat(64)}`])(
    'rejects the event type %j',
    (event_type) => {
      expect(errorsOf(validateEventTypeRequest({ ...eventType, event_type }))).toEqual([
        { path: '$.event_type', message: 'must match ^[a-z][a-z0-9_]{0,63}$' },
      ]);
    },
  );

  it.each(['', 'd'.repeat(1025)])('rejects a description of %#', (description) => {
    expect(errorsOf(validateEventTypeRequest({ ...eventType, description }))).toEqual([
      { path: '$.description', message: 'must be 1–1024 characters long' },
    ]);
  });

  it('rejects an unknown producer connection type', () => {
    expect(errorsOf(validateEventTypeRequest({ ...eventType, connection_type: 'LAMBDA' }))).toEqual([
      { path: '$.connection_type', message: 'must be one of HTTPS, SQS' },
    ]);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf(
      validateEventTypeRequest({
        ...eventType,
        application: 'aws.x',
        event_type: 'X',
        data: { type: 'strng' },
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['$.application', '$.event_type', '$.data.type']);
  });
});

describe('validateDataSchema', () => {
  it('rejects a data schema that is not an object', () => {
    expect(validateDataSchema(true)).toEqual([{ path: '$.data', message: 'must be a JSON Schema object' }]);
  });

  it('reports a meta-schema violation at its schema path, once', () => {
    expect(validateDataSchema({ type: 'object', properties: { weight: { type: 'float' } } })).toEqual([
      {
        path: '$.data.properties.weight.type',
        message: 'must be one of "array", "boolean", "integer", "null", "number", "object", "string"',
      },
    ]);
  });

  it('reports an unknown keyword (strict mode) at its schema path', () => {
    expect(
      validateDataSchema({ type: 'object', properties: { weight: { type: 'number', unit: 'kg' } } }),
    ).toEqual([{ path: '$.data.properties.weight.unit', message: 'unknown keyword "unit" (strict mode)' }]);
  });

  it('reports an unresolvable $ref at its schema path', () => {
    expect(
      validateDataSchema({ type: 'object', properties: { id: { $ref: '#/definitions/missing' } } }),
    ).toEqual([
      { path: '$.data.properties.id.$ref', message: 'cannot resolve reference #/definitions/missing' },
    ]);
  });

  it('reports an unknown format', () => {
    expect(validateDataSchema({ type: 'string', format: 'parcel-code' })).toEqual([
      { path: '$.data.format', message: 'unknown format "parcel-code"' },
    ]);
  });

  it('accepts the formats of ajv-formats', () => {
    expect(validateDataSchema({ type: 'string', format: 'uuid' })).toEqual([]);
  });

  it('accepts a draft-04 schema and applies draft-04 rules (boolean exclusiveMinimum)', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      id: 'http://schemas.example.com/parcel',
      type: 'object',
      properties: { weight: { type: 'number', minimum: 0, exclusiveMinimum: true } },
      required: ['weight'],
    };
    expect(validateDataSchema(schema)).toEqual([]);
    const validate = createPayloadValidator(buildEnvelopeSchema(schema));
    const envelope = { metadata: { event_attributes: { source: 's', target: 't' } } };
    expect(validate({ ...envelope, data: { weight: 1 } })).toEqual([]);
    expect(validate({ ...envelope, data: { weight: 0 } })).toEqual([
      { path: '$.data.weight', message: 'must be > 0' },
    ]);
  });

  it('reports a draft-04 schema that breaks the draft-04 meta-schema', () => {
    expect(
      validateDataSchema({
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: [],
      }),
    ).toEqual([{ path: '$.data.required', message: 'must NOT have fewer than 1 items' }]);
  });

  it('refuses an unknown $schema', () => {
    expect(validateDataSchema({ $schema: 'https://example.com/schema', type: 'object' })[0]?.path).toBe(
      '$.data.$schema',
    );
  });

  it.each([
    ['draft-06', { $schema: 'http://json-schema.org/draft-06/schema#', const: 1 }],
    [
      'draft-07',
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
      { $schema: 'http://json-schema.org/draft-07/schema#', if: { type: 'string' }, then: { minLength: 1 } },
    ],
    [
      '2019-09',
      {
        $schema: 'https://json-schema.org/draft/2019-09/schema',
        type: 'object',
        dependentRequired: { a: ['b'] },
      },
    ],
    [
      '2020-12',
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ type: 'string' }],
        $defs: { s: { type: 'string' } },
        items: { $ref: '#/$defs/s' },
      },
    ],
  ])('honours a %s $schema', (_dialect, schema) => {
    expect(validateDataSchema(schema)).toEqual([]);
  });

  it('checks a 2020-12 keyword against the declared dialect only', () => {
    expect(validateDataSchema({ type: 'array', prefixItems: [{ type: 'string' }] })).toEqual([
      { path: '$.data.prefixItems', message: 'unknown keyword "prefixItems" (strict mode)' },
    ]);
  });

  it('accepts a schema whose envelope is at the size limit and rejects one character more', () => {
    const overhead = JSON.stringify({ ...buildEnvelopeSchema({ type: 'string', description: '' }) }).length;
    const atLimit = { type: 'string', description: 'd'.repeat(100_000 - overhead) };
    const overLimit = { type: 'string', description: 'd'.repeat(100_001 - overhead) };

    expect(validateDataSchema(atLimit)).toEqual([]);
    expect(validateDataSchema(overLimit)).toEqual([
      { path: '$.data', message: 'makes an event schema of 100001 characters; the limit is 100000' },
    ]);
  });

  it('accepts a schema with an $id that references itself by $id', () => {
    const schema = {
      $id: 'https://schemas.example.com/parcel',
      type: 'object',
      properties: { id: { $ref: 'https://schemas.example.com/parcel#/definitions/id' } },
      definitions: { id: { type: 'string' } },
    };
    expect(validateDataSchema(schema)).toEqual([]);
    expect(validateDataSchema(schema)).toEqual([]);
  });
});

describe('validateEventTypeUpdate', () => {
  it('accepts a new description, a new schema, or both', () => {
    expect(validateEventTypeUpdate({ description: 'New' })).toEqual({
      ok: true,
      value: { description: 'New' },
    });
    expect(validateEventTypeUpdate({ data: dataSchema })).toEqual({ ok: true, value: { data: dataSchema } });
    expect(validateEventTypeUpdate({ description: 'New', data: dataSchema }).ok).toBe(true);
  });

  it('requires at least one of description, data', () => {
    expect(errorsOf(validateEventTypeUpdate({}))).toEqual([
      { path: '$', message: 'must have at least one of description, data' },
    ]);
  });

  it('rejects unknown fields, an empty description and an invalid schema', () => {
    expect(
      errorsOf(
        validateEventTypeUpdate({ application: 'x', description: '', data: { type: 'object', foo: 1 } }),
      ),
    ).toEqual([
      { path: '$.application', message: 'unknown field' },
      { path: '$.description', message: 'must be 1–1024 characters long' },
      { path: '$.data.foo', message: 'unknown keyword "foo" (strict mode)' },
    ]);
  });
});

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

describe('outbound safety of HTTPS consumers', () => {
  const https = (connection_string: string) => ({
    event_type: 'parcel_delivered',
    version: 1,
    connection_type: 'HTTPS',
    connection_string,
  });

  it.each([
    ['https://169.254.169.254/latest', 'the host 169.254.169.254 is a cloud metadata service'],
    ['https://metadata.google.internal/', 'the host metadata.google.internal is a cloud metadata service'],
    ['https://[fd00:ec2::254]/', 'the host [fd00:ec2::254] is a cloud metadata service'],
    ['https://10.0.0.1/', 'the host 10.0.0.1 is a private address'],
    ['https://[fd00::1]/', 'the host [fd00::1] is a unique-local address'],
    ['https://100.64.1.1/', 'the host 100.64.1.1 is a carrier-grade NAT address'],
    ['https://169.254.10.10/', 'the host 169.254.10.10 is a link-local address'],
    ['https://127.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://2130706433/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://0177.0.0.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://0x7f.0.0.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://[::1]/', 'the host [::1] is a loopback address (this machine)'],
    ['https://[::ffff:127.0.0.1]/', 'the host [::ffff:7f00:1] is a loopback address (this machine)'],
    ['https://localhost./', 'the host localhost. is a loopback address (this machine)'],
  ])('refuses %s at subscribe time, saying why', (url, reason) => {
    expect(errorsOf(validateSubscriptionRequest(https(url)))).toEqual([
      {
        path: '$.connection_string',
        message: `${reason}; consumers must be reachable on the public internet`,
      },
    ]);
  });

  it('keeps refusing private hosts when loopback targets are allowed', () => {
    expect(
      errorsOf(validateSubscriptionRequest(https('https://192.168.0.10/'), { allowLoopbackTargets: true })),
    ).toEqual([
      {
        path: '$.connection_string',
        message:
          'the host 192.168.0.10 is a private address; consumers must be reachable on the public internet',
      },
    ]);
  });

  it("refuses the local runtime's own ports on loopback", () => {
    const options = { allowLoopbackTargets: true, reservedLoopbackPorts: [4566, 3000] };
    expect(errorsOf(validateSubscriptionRequest(https('http://127.0.0.1:4566/'), options))).toEqual([
      {
        path: '$.connection_string',
        message: "the host 127.0.0.1 is this runtime's own port 4566; the broker never calls itself",
      },
    ]);
    expect(validateSubscriptionRequest(https('http://127.0.0.1:4567/'), options).ok).toBe(true);
  });
});

describe('limits on hostile input', () => {
  const deep = (depth: number): Record<string, unknown> => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { x: schema } };
    return schema;
  };

  it('refuses a schema nested 10,000 deep before looking into it', () => {
    let schema: unknown = {};
    for (let i = 0; i < 10_000; i++) schema = { not: schema };
    expect(validateDataSchema(schema)).toEqual([{ path: '$.data', message: 'nests deeper than 64 levels' }]);
    expect(validateDataSchema(deep(3000))).toEqual([
      { path: '$.data', message: 'nests deeper than 64 levels' },
    ]);
    expect(validateDataSchema(deep(30))).toEqual([]);
  });

  it('refuses a 50,000-item enum by its size, before compiling', () => {
    const schema = { type: 'string', enum: Array.from({ length: 50_000 }, (_, i) => `v${i}`) };
    expect(validateDataSchema(schema)).toEqual([
      {
        path: '$.data',
        message: expect.stringMatching(/^makes an event schema of \d+ characters; the limit is 100000$/),
      },
    ]);
  });

  it('refuses an enum over 1,000 items that fits the size limit', () => {
    const schema = { type: 'integer', enum: Array.from({ length: 5000 }, (_, i) => i) };
    expect(validateDataSchema(schema)).toEqual([
      { path: '$.data.enum', message: 'has 5000 items; the limit is 1000' },
    ]);
  });

  it('refuses patterns that need backtracking, at their path', () => {
    const schema = {
      type: 'object',
      properties: { code: { type: 'string', pattern: '^(a)\\1$' } },
      patternProperties: { '^(?=x)': { type: 'string' } },
    };
    expect(validateDataSchema(schema)).toEqual([
      {
        path: '$.data.patternProperties["^(?=x)"]',
        message: expect.stringMatching(/^is not a regular expression the linear-time engine runs/),
      },
      {
        path: '$.data.properties.code.pattern',
        message: expect.stringMatching(/^is not a regular expression the linear-time engine runs/),
      },
    ]);
  });

  it('accepts a catastrophic-backtracking pattern and validates against it in linear time', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
    expect(validateDataSchema(schema)).toEqual([]);
    const validate = createPayloadValidator(buildEnvelopeSchema(schema));
    const metadata = { event_attributes: { source: 's', target: 't' } };
    expect(validate({ metadata, data: { s: `${'a'.repeat(5000)}!` } })).toEqual([
      { path: '$.data.s', message: 'must match pattern "^(a+)+$"' },
    ]);
    expect(validate({ metadata, data: { s: 'aaaa' } })).toEqual([]);
  });

  it('refuses a filter over 2,048 characters', () => {
    const filter = { note: ['x'.repeat(2100)] };
    expect(
      errorsOf(
        validateSubscriptionRequest({
          event_type: 'a_b',
          version: 1,
          connection_type: 'SQS',
          connection_string: 'arn:aws:sqs:eu-west-1:123456789012:q',
          filter,
        }),
      ),
    ).toEqual([{ path: '$.filter', message: 'must be at most 2048 characters long as JSON, not 2113' }]);
  });

  it.each(['constructor', '__proto__', 'toString'])('accepts a property named %s', (name) => {
    const schema = JSON.parse(`{"type":"object","properties":{"${name}":{"type":"string"}}}`) as unknown;
    expect(validateDataSchema(schema)).toEqual([]);
  });
});
