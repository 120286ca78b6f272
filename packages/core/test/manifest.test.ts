import { buildEnvelopeSchema } from '../src/envelope';
import {
  type ConsumerManifest,
  consumerManifestSchema,
  type ProducerManifest,
  parseConsumerManifest,
  parseProducerManifest,
  producerManifestSchema,
  readConsumerManifest,
  serializeManifest,
} from '../src/manifest';
import type { ValidationProblem } from '../src/types';

const target = { environment: 'dev', account: '123456789012', region: 'eu-west-1' };
const data = { type: 'object', required: ['parcel_id'], properties: { parcel_id: { type: 'string' } } };

const producer: ProducerManifest = {
  format: 1,
  kind: 'producer',
  ...target,
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  version: 2,
  connection_type: 'SQS',
  schema: buildEnvelopeSchema(data),
  allowed_principals: ['210987654321', 'arn:aws:iam::210987654321:role/parcel-producer'],
};

const consumer: ConsumerManifest = {
  format: 1,
  kind: 'consumer',
  ...target,
  subscription_id: 'abc123def456',
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  version: 2,
  target_unit: 'north',
  filter: { weight: [{ numeric: ['>', 10] }] },
  consumer: {
    type: 'HTTPS',
    connection_string: 'https://hooks.example.com/parcels',
    secret_name: 'bridgeport/dev/consumers/abc123def456',
    rate_limit_per_second: 20,
  },
  retry_policy: { maximum_event_age_seconds: 3600, maximum_retry_attempts: 5 },
};

function errorsOf(result: { ok: true } | { ok: false; errors: ValidationProblem[] }): ValidationProblem[] {
  if (result.ok) throw new Error('expected parsing to fail');
  return result.errors;
}

describe('manifest schemas', () => {
  it('are draft-07 JSON Schemas closed to unknown fields', () => {
    expect(producerManifestSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(producerManifestSchema.additionalProperties).toBe(false);
    expect(consumerManifestSchema.additionalProperties).toBe(false);
  });
});

describe('producer manifests', () => {
  it('round-trips through serialize and parse', () => {
    const text = serializeManifest(producer);
    expect(parseProducerManifest(text)).toEqual({ ok: true, value: producer });
    expect(parseProducerManifest(JSON.parse(text))).toEqual({ ok: true, value: producer });
  });

  it('serializes stably: sorted keys, pretty, final newline, independent of key order', () => {
    const reordered = Object.fromEntries(Object.entries(producer).reverse()) as unknown as ProducerManifest;
    const text = serializeManifest(producer);

    expect(serializeManifest(reordered)).toBe(text);
    expect(text.startsWith('{\n  "account": "123456789012",\n  "allowed_principals": [')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('reports bad JSON at $ with the source', () => {
    const errors = errorsOf(parseProducerManifest('{"format": 1,', 'parcel_delivered/2/deploy.json'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('$');
    expect(errors[0]?.message).toMatch(/^is not valid JSON \(parcel_delivered\/2\/deploy\.json\): /);
  });

  it('rejects another format version', () => {
    expect(errorsOf(parseProducerManifest({ ...producer, format: 2 }))).toEqual([
      { path: '$.format', message: 'unsupported manifest format 2; expected 1' },
    ]);
  });

  it('reports every missing field', () => {
    const { account, schema, ...rest } = producer;
    expect(errorsOf(parseProducerManifest(rest))).toEqual([
      { path: '$.account', message: 'is required' },
      { path: '$.schema', message: 'is required' },
    ]);
  });

  it('rejects a consumer manifest, unknown fields and malformed values', () => {
    expect(errorsOf(parseProducerManifest({ ...producer, kind: 'consumer' }))).toEqual([
      { path: '$.kind', message: 'must be "producer"' },
    ]);
    expect(
      errorsOf(
        parseProducerManifest({
          ...producer,
          owner: 'x',
          account: '1234',
          application: 'aws.s3',
          connection_type: 'LAMBDA',
          allowed_principals: ['arn:aws:iam::12:role/x'],
        }),
      ),
    ).toEqual([
      { path: '$.owner', message: 'is not allowed' },
      { path: '$.account', message: 'must match pattern "^\\d{12}$"' },
      { path: '$.application', message: 'must not start with "aws."' },
      { path: '$.connection_type', message: 'must be one of "HTTPS", "SQS"' },
      { path: '$.allowed_principals[0]', message: expect.stringMatching(/^must match pattern/) },
    ]);
  });

  it('rejects an envelope schema that does not compile', () => {
    expect(errorsOf(parseProducerManifest({ ...producer, schema: { type: 'object', foo: 1 } }))).toEqual([
      { path: '$.schema', message: 'does not compile: strict mode: unknown keyword: "foo"' },
    ]);
  });
});

describe('consumer manifests', () => {
  it('round-trips through serialize and parse', () => {
    expect(parseConsumerManifest(serializeManifest(consumer))).toEqual({ ok: true, value: consumer });
  });

  it.each([
    { type: 'LAMBDA', connection_string: 'arn:aws:lambda:eu-west-1:123456789012:function:notify' },
    { type: 'SQS', connection_string: 'arn:aws:sqs:eu-west-1:123456789012:parcels' },
    { type: 'HTTPS', connection_string: 'https://hooks.example.com/p' },
  ])('round-trips a minimal $type consumer', (endpoint) => {
    const { target_unit, filter, ...minimal } = consumer;
    const manifest = { ...minimal, consumer: endpoint } as ConsumerManifest;
    expect(parseConsumerManifest(serializeManifest(manifest))).toEqual({ ok: true, value: manifest });
  });

  it('rejects another format version and missing fields', () => {
    const { retry_policy, subscription_id, ...rest } = consumer;
    expect(errorsOf(parseConsumerManifest({ ...rest, format: '1' }))).toEqual([
      { path: '$.format', message: 'unsupported manifest format "1"; expected 1' },
      { path: '$.subscription_id', message: 'is required' },
      { path: '$.retry_policy', message: 'is required' },
    ]);
  });

  it("rejects a Lambda target outside the manifest's region", () => {
    const manifest = {
      ...consumer,
      consumer: {
        type: 'LAMBDA',
        connection_string: 'arn:aws:lambda:us-west-2:123456789012:function:notify',
      },
    };
    expect(errorsOf(parseConsumerManifest(manifest))).toEqual([
      {
        path: '$.consumer.connection_string',
        message:
          "names region us-west-2, but this deployment's event bus is in eu-west-1: an EventBridge rule can only invoke a Lambda function in its own region (another region would need an event bus there to forward to); use a Lambda function in eu-west-1",
      },
    ]);
  });

  it('rejects a bad ARN for the consumer type', () => {
    const manifest = {
      ...consumer,
      consumer: { type: 'LAMBDA', connection_string: 'arn:aws:sqs:eu-west-1:123456789012:parcels' },
    };
    expect(errorsOf(parseConsumerManifest(manifest))).toEqual([
      {
        path: '$.consumer.connection_string',
        message:
          'must be a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])',
      },
    ]);
  });

  it('rejects HTTPS-only settings on other consumers', () => {
    const manifest = {
      ...consumer,
      consumer: {
        type: 'SQS',
        connection_string: 'arn:aws:sqs:eu-west-1:123456789012:parcels',
        secret_name: 's',
        rate_limit_per_second: 5,
      },
    };
    expect(errorsOf(parseConsumerManifest(manifest))).toEqual([
      { path: '$.consumer.secret_name', message: 'applies only to HTTPS consumers' },
      { path: '$.consumer.rate_limit_per_second', message: 'applies only to HTTPS consumers' },
    ]);
  });

  it('rejects out-of-range retry policies, rate limits, an empty filter and a bad subscription id', () => {
    const manifest = {
      ...consumer,
      subscription_id: 'ABC',
      filter: {},
      consumer: { ...consumer.consumer, rate_limit_per_second: 301 },
      retry_policy: { maximum_event_age_seconds: 30, maximum_retry_attempts: 186 },
    };
    expect(errorsOf(parseConsumerManifest(manifest)).map((p) => p.path)).toEqual([
      '$.subscription_id',
      '$.filter',
      '$.consumer.rate_limit_per_second',
      '$.retry_policy.maximum_event_age_seconds',
      '$.retry_policy.maximum_retry_attempts',
    ]);
  });

  it('throws InvalidManifestError naming the source', () => {
    expect(() => readConsumerManifest('[]', 'parcel_delivered/2/abc123def456/deploy.json')).toThrow(
      'Invalid manifest parcel_delivered/2/abc123def456/deploy.json: $ must be object',
    );
  });
});
