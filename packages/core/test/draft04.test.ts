import { draft04Compatibility, toDraft04Model } from '../src/draft04';
import { buildEnvelopeSchema, DRAFT_04_SCHEMA_URI } from '../src/envelope';
import { dataSchema } from './support/schemas';

describe('draft04Compatibility', () => {
  it('finds a plain envelope compatible and derives the request model', () => {
    const envelope = buildEnvelopeSchema(dataSchema);
    expect(draft04Compatibility(envelope)).toEqual({ compatible: true, incompatibilities: [] });
    expect(toDraft04Model(envelope)).toEqual({ $schema: DRAFT_04_SCHEMA_URI, ...envelope });
  });

  it('keeps draft-04 constructs (boolean exclusiveMinimum, tuples, definitions)', () => {
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'number', minimum: 0, exclusiveMinimum: true },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
        id: { $ref: '#/definitions/id' },
      },
      definitions: { id: { type: 'string' } },
    };
    expect(draft04Compatibility(schema).compatible).toBe(true);
  });

  it('accepts the booleans draft-04 allows for additionalProperties and additionalItems', () => {
    const schema = buildEnvelopeSchema({
      type: 'object',
      additionalProperties: false,
      properties: { pair: { type: 'array', items: [{ type: 'string' }], additionalItems: false } },
    });
    expect(draft04Compatibility(schema)).toEqual({ compatible: true, incompatibilities: [] });
    expect(toDraft04Model(schema)).toBeDefined();
  });

  it('still rejects a boolean schema in a property position', () => {
    expect(draft04Compatibility({ type: 'object', properties: { any: true } }).incompatibilities).toEqual([
      {
        path: '$.properties.any',
        keyword: 'boolean schema',
        message: 'boolean schema true is not supported by draft-04',
      },
    ]);
  });

  it('lists every keyword that draft-04 cannot express, with its path', () => {
    const schema = buildEnvelopeSchema({
      type: 'object',
      properties: {
        kind: { const: 'parcel' },
        weight: { type: 'number', exclusiveMinimum: 0 },
        tags: { type: 'array', contains: { type: 'string' } },
        any: true,
      },
      propertyNames: { pattern: '^[a-z]' },
      $defs: { x: { type: 'string' } },
      required: [],
    });
    const result = draft04Compatibility(schema);

    expect(result.compatible).toBe(false);
    expect(result.incompatibilities.map(({ path, keyword }) => ({ path, keyword }))).toEqual([
      { path: '$.properties.data.propertyNames', keyword: 'propertyNames' },
      { path: '$.properties.data.$defs', keyword: '$defs' },
      { path: '$.properties.data.required', keyword: 'required' },
      { path: '$.properties.data.properties.kind.const', keyword: 'const' },
      { path: '$.properties.data.properties.weight.exclusiveMinimum', keyword: 'exclusiveMinimum' },
      { path: '$.properties.data.properties.tags.contains', keyword: 'contains' },
      { path: '$.properties.data.properties.any', keyword: 'boolean schema' },
    ]);
    expect(result.incompatibilities[3]?.message).toBe('"const" (draft-06) is not supported by draft-04');
    expect(toDraft04Model(schema)).toBeUndefined();
  });

  it.each([
    ['if', { if: { type: 'string' } }],
    ['dependentRequired', { dependentRequired: { a: ['b'] } }],
    ['dependentSchemas', { dependentSchemas: { a: { required: ['b'] } } }],
    ['prefixItems', { prefixItems: [{ type: 'string' }] }],
    ['unevaluatedProperties', { unevaluatedProperties: false }],
    ['$anchor', { $anchor: 'parcel' }],
    ['exclusiveMaximum', { exclusiveMaximum: 10 }],
  ])('flags %s', (keyword, schema) => {
    expect(draft04Compatibility(schema).incompatibilities.map((i) => i.keyword)).toContain(keyword);
  });
});

describe('draft04Compatibility and $ref', () => {
  it('flags keywords beside $ref, which draft-04 would ignore', () => {
    const schema = buildEnvelopeSchema({
      type: 'object',
      properties: { id: { $ref: '#/definitions/id', maxLength: 5, description: 'annotations are fine' } },
      definitions: { id: { type: 'string' } },
    });
    expect(draft04Compatibility(schema).incompatibilities).toEqual([
      {
        path: '$.properties.data.properties.id.$ref',
        keyword: '$ref',
        message: 'keywords beside "$ref" are ignored by draft-04',
      },
    ]);
  });

  it('accepts a 2020-12 schema that only uses draft-04 keywords', () => {
    const schema = buildEnvelopeSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { id: { $ref: '#/definitions/id', description: 'the parcel' } },
      definitions: { id: { type: 'string' } },
    });
    expect(draft04Compatibility(schema)).toEqual({ compatible: true, incompatibilities: [] });
    expect(toDraft04Model(schema)?.$schema).toBe('http://json-schema.org/draft-04/schema#');
  });
});
