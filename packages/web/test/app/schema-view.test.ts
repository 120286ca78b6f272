import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { curlCommand, exampleEvent, exampleValue, fieldRows, type Json } from '../../src/app/schema-view';

const parcel: Json = {
  type: 'object',
  required: ['parcel_id', 'scanned_at', 'dimensions', 'tags'],
  definitions: { kg: { type: 'number', minimum: 0, description: 'Kilograms' } },
  properties: {
    parcel_id: { type: 'string', description: 'Carrier id', minLength: 12 },
    scanned_at: { type: 'string', format: 'date-time' },
    weight_kg: { $ref: '#/definitions/kg' },
    depot: { type: 'integer', minimum: 3, maximum: 9 },
    kind: { enum: ['box', 'letter'] },
    dimensions: {
      type: 'object',
      required: ['width'],
      properties: { width: { type: 'number', exclusiveMinimum: 0 }, height: { type: 'number' } },
    },
    tags: {
      type: 'array',
      minItems: 2,
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
  },
};

describe('fieldRows', () => {
  it('lists every field depth first with its type, requiredness, description and constraints', () => {
    const rows = fieldRows(parcel);

    expect(rows.map((row) => row.name)).toEqual([
      'parcel_id',
      'scanned_at',
      'weight_kg',
      'depot',
      'kind',
      'dimensions',
      'dimensions.width',
      'dimensions.height',
      'tags',
      'tags[].name',
    ]);
    expect(rows.find((row) => row.name === 'parcel_id')).toEqual({
      name: 'parcel_id',
      type: 'string',
      required: true,
      description: 'Carrier id',
      constraints: ['minLength 12'],
    });
    expect(rows.find((row) => row.name === 'weight_kg')).toMatchObject({
      type: 'number',
      required: false,
      description: 'Kilograms',
      constraints: ['minimum 0'],
    });
    expect(rows.find((row) => row.name === 'kind')?.constraints).toEqual(['one of "box", "letter"']);
    expect(rows.find((row) => row.name === 'tags')?.type).toBe('array of object');
    expect(rows.find((row) => row.name === 'dimensions.width')).toMatchObject({ required: true });
  });

  it('stops at a self-referencing schema instead of looping', () => {
    const tree: Json = { type: 'object', properties: { child: { $ref: '#' } } };

    expect(fieldRows(tree).length).toBeGreaterThan(1);
    expect(fieldRows(tree).length).toBeLessThan(40);
  });
});

describe('exampleValue', () => {
  it('builds data the schema accepts: required fields, formats, bounds, enums, minimum items', () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(parcel as object);
    const data = exampleValue(parcel);

    expect(validate(data)).toBe(true);
    expect(data).toMatchObject({ scanned_at: '2026-01-01T12:00:00Z', dimensions: { width: 1.5 } });
    expect((data as { tags: unknown[] }).tags).toHaveLength(2);
  });

  it('prefers the schema own examples, defaults and constants', () => {
    expect(exampleValue({ type: 'string', examples: ['PX-1'] })).toBe('PX-1');
    expect(exampleValue({ type: 'integer', default: 7 })).toBe(7);
    expect(exampleValue({ const: 'fixed' })).toBe('fixed');
    expect(
      exampleValue({
        type: 'object',
        properties: { note: { type: 'string', examples: ['hi'] }, skipped: { type: 'string' } },
      }),
    ).toEqual({ note: 'hi' });
  });
});

describe('exampleEvent and curlCommand', () => {
  it('wraps the data in the envelope and quotes it safely for a shell', () => {
    const event = exampleEvent({
      type: 'object',
      required: ['note'],
      properties: { note: { type: 'string', const: "it's" } },
    });
    const curl = curlCommand('http://127.0.0.1:3001/', 'parcel', 2, event);

    expect(event).toEqual({
      metadata: { event_attributes: { source: 'my-producer', target: 'unit-1' } },
      data: { note: "it's" },
    });
    expect(curl.split('\n')[0]).toBe('curl -s -X POST http://127.0.0.1:3001/parcel/2 \\');
    expect(curl).toContain(`"note": "it'\\''s"`);
  });
});
