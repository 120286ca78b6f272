import { validateEventTypeRequest, validateEventTypeUpdate } from '../src/event-type-validation';
import { dataSchema, errorsOf, eventType } from './support/requests';

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
