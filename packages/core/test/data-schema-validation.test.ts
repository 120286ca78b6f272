import { validateDataSchema } from '../src/data-schema-validation';
import { buildEnvelopeSchema, createPayloadValidator } from '../src/envelope';
import { validateSubscriptionRequest } from '../src/subscription-validation';
import { errorsOf } from './support/requests';

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
