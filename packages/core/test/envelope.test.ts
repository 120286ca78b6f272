import { toDraft04Model } from '../src/draft04';
import { buildEnvelopeSchema, createPayloadValidator } from '../src/envelope';
import type { JsonSchema } from '../src/types';
import { dataSchema } from './support/schemas';

const metadata = { event_attributes: { source: 'parcel-service', target: 'north' } };

describe('buildEnvelopeSchema', () => {
  it('wraps the data schema in the envelope', () => {
    expect(buildEnvelopeSchema(dataSchema)).toEqual({
      type: 'object',
      required: ['metadata', 'data'],
      additionalProperties: false,
      properties: {
        metadata: {
          type: 'object',
          required: ['event_attributes'],
          properties: {
            event_attributes: {
              type: 'object',
              required: ['source', 'target'],
              properties: { source: { type: 'string' }, target: { type: 'string' } },
            },
          },
        },
        data: dataSchema,
      },
    });
  });

  it('does not modify the data schema it is given', () => {
    const input = {
      $id: 'https://x.example/a',
      type: 'object',
      properties: { a: { $ref: '#/definitions/a' } },
    };
    const copy = structuredClone(input);
    buildEnvelopeSchema(input);
    expect(input).toEqual(copy);
  });

  it('rewrites local $refs to point into data and keeps them resolvable', () => {
    const envelope = buildEnvelopeSchema({
      type: 'object',
      properties: {
        id: { $ref: '#/definitions/id' },
        code: { $ref: '#/$defs/code' },
        child: { type: 'array', items: { $ref: '#' } },
      },
      definitions: { id: { type: 'string', minLength: 3 } },
      $defs: { code: { type: 'integer' } },
    });
    const data = (envelope.properties as Record<string, JsonSchema>).data as {
      properties: Record<string, { $ref?: string; items?: { $ref: string } }>;
    };

    expect(data.properties.id?.$ref).toBe('#/properties/data/definitions/id');
    expect(data.properties.code?.$ref).toBe('#/properties/data/$defs/code');
    expect(data.properties.child?.items?.$ref).toBe('#/properties/data');

    const validate = createPayloadValidator(envelope);
    expect(validate({ metadata, data: { id: 'abc', code: 1, child: [{ id: 'def' }] } })).toEqual([]);
    expect(validate({ metadata, data: { id: 'ab', code: 'x', child: [{ id: 'de' }] } })).toEqual([
      { path: '$.data.id', message: 'must NOT have fewer than 3 characters' },
      { path: '$.data.code', message: 'must be integer' },
      { path: '$.data.child[0].id', message: 'must NOT have fewer than 3 characters' },
    ]);
  });

  it('drops the nested $id, rewrites refs through it and keeps the dialect at the root', () => {
    const envelope = buildEnvelopeSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://schemas.example.com/parcel',
      type: 'object',
      properties: { id: { $ref: 'https://schemas.example.com/parcel#/$defs/id' } },
      $defs: { id: { type: 'string' } },
    });

    expect(envelope.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const data = (envelope.properties as Record<string, Record<string, unknown>>).data;
    expect(data).not.toHaveProperty('$id');
    expect(data).not.toHaveProperty('$schema');
    expect(JSON.stringify(data)).toContain('"$ref":"#/properties/data/$defs/id"');
    expect(createPayloadValidator(envelope)({ metadata, data: { id: 7 } })).toEqual([
      { path: '$.data.id', message: 'must be string' },
    ]);
  });

  it('leaves $ref-looking values inside enum, const and default alone', () => {
    const envelope = buildEnvelopeSchema({
      type: 'object',
      default: { $ref: '#/x' },
      enum: [{ $ref: '#/y' }],
    });
    const data = (envelope.properties as Record<string, Record<string, unknown>>).data;
    expect(data).toEqual({ type: 'object', default: { $ref: '#/x' }, enum: [{ $ref: '#/y' }] });
  });
});

describe('createPayloadValidator', () => {
  const validate = createPayloadValidator(buildEnvelopeSchema(dataSchema));

  it('accepts a valid producer payload', () => {
    expect(validate({ metadata, data: { parcel_id: 'P-123', weight: 1.5, tags: ['fragile'] } })).toEqual([]);
  });

  it('reports every invalid field at its path, a missing property at its own path', () => {
    expect(
      validate({
        metadata: { event_attributes: { source: 'parcel-service' } },
        data: { weight: -1, tags: ['a', 2] },
      }),
    ).toEqual([
      { path: '$.metadata.event_attributes.target', message: 'is required' },
      { path: '$.data.parcel_id', message: 'is required' },
      { path: '$.data.weight', message: 'must be >= 0' },
      { path: '$.data.tags[1]', message: 'must be string' },
    ]);
  });

  it('reports a payload that is not an object', () => {
    expect(validate([])).toEqual([{ path: '$', message: 'must be object' }]);
  });

  it('refuses unknown top-level fields, naming each one', () => {
    const data = { parcel_id: 'P-123', weight: 1 };
    expect(validate({ metadata, data, source: 'forged', 'detail-type': 'x.1', id: 'e-1' })).toEqual([
      { path: '$.source', message: 'is not allowed' },
      { path: '$.detail-type', message: 'is not allowed' },
      { path: '$.id', message: 'is not allowed' },
    ]);
  });

  it('reports a missing envelope part', () => {
    expect(validate({ data: { parcel_id: 'P-123', weight: 1 } })).toEqual([
      { path: '$.metadata', message: 'is required' },
    ]);
  });

  it('quotes odd property names and reports closed objects', () => {
    const strict = createPayloadValidator(
      buildEnvelopeSchema({
        type: 'object',
        properties: { 'parcel id': { type: 'string' } },
        additionalProperties: false,
      }),
    );
    expect(strict({ metadata, data: { 'parcel id': 1, extra: true } })).toEqual([
      { path: '$.data.extra', message: 'is not allowed' },
      { path: '$.data["parcel id"]', message: 'must be string' },
    ]);
  });

  it('compiles once per schema text', () => {
    const schema = buildEnvelopeSchema(dataSchema);
    expect(createPayloadValidator(structuredClone(schema))).toBe(createPayloadValidator(schema));
  });

  it('validates with the dialect declared in the envelope', () => {
    const tuple = createPayloadValidator(
      buildEnvelopeSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'integer' }],
        items: false,
      }),
    );
    expect(tuple({ metadata, data: ['a', 1] })).toEqual([]);
    expect(tuple({ metadata, data: ['a', 'b', 3] })).toEqual([
      { path: '$.data[1]', message: 'must be integer' },
      { path: '$.data', message: 'must NOT have more than 2 items' },
    ]);
  });

  it('throws on a schema that does not compile', () => {
    expect(() => createPayloadValidator({ type: 'object', properties: { a: { $ref: '#/nope' } } })).toThrow(
      'Event schema does not compile',
    );
  });
});

describe('buildEnvelopeSchema with a draft-04 data schema', () => {
  it('drops the draft-04 id, rewrites local refs and keeps a valid draft-04 request model', () => {
    const data = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      id: 'http://schemas.example.com/parcel#',
      type: 'object',
      properties: { parcel: { $ref: 'http://schemas.example.com/parcel#/definitions/parcel' } },
      definitions: { parcel: { type: 'string', minLength: 3 } },
    };

    const envelope = buildEnvelopeSchema(data);

    expect(envelope.$schema).toBe('http://json-schema.org/draft-04/schema#');
    const nested = (envelope.properties as Record<string, Record<string, unknown>>).data;
    expect(nested?.id).toBeUndefined();
    expect(nested?.properties).toEqual({ parcel: { $ref: '#/properties/data/definitions/parcel' } });
    expect(toDraft04Model(envelope)).toBeDefined();
    const validate = createPayloadValidator(envelope);
    const metadata = { event_attributes: { source: 's', target: 't' } };
    expect(validate({ metadata, data: { parcel: 'abc' } })).toEqual([]);
    expect(validate({ metadata, data: { parcel: 'ab' } })).toEqual([
      { path: '$.data.parcel', message: 'must NOT have fewer than 3 characters' },
    ]);
  });
});
