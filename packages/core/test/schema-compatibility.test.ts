import { compareSchemas, isSchemaComparison } from '../src/schema-compatibility';
import type { JsonSchema } from '../src/types';

describe('compareSchemas', () => {
  const previous: JsonSchema = {
    type: 'object',
    required: ['parcel_id'],
    properties: {
      parcel_id: { type: 'string' },
      weight: { type: 'number', minimum: 0, maximum: 100 },
      status: { type: 'string', enum: ['sent', 'delivered'] },
      note: { type: 'string' },
      items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    },
  };

  it('finds an identical schema compatible with no changes', () => {
    expect(compareSchemas(previous, structuredClone(previous))).toEqual({
      backward_compatible: true,
      changes: [],
    });
  });

  it('accepts added optional fields and loosened constraints', () => {
    const next = structuredClone(previous) as { properties: Record<string, Record<string, unknown>> };
    next.properties.comment = { type: 'string' };
    next.properties.weight = { type: 'number', minimum: 0, maximum: 200 };
    next.properties.status = { type: 'string', enum: ['sent', 'delivered', 'lost'] };

    expect(compareSchemas(previous, next as JsonSchema)).toEqual({
      backward_compatible: true,
      changes: [
        { path: '$.weight', change: 'constraint_changed', compatible: true, keyword: 'maximum' },
        { path: '$.status', change: 'constraint_changed', compatible: true, keyword: 'enum' },
        { path: '$.comment', change: 'added_optional', compatible: true },
      ],
    });
  });

  it('rejects removed, retyped, newly required and added required fields, and tightened constraints', () => {
    const next: JsonSchema = {
      type: 'object',
      required: ['parcel_id', 'note', 'carrier'],
      properties: {
        parcel_id: { type: 'integer' },
        weight: { type: 'number', minimum: 1, maximum: 100 },
        note: { type: 'string' },
        carrier: { type: 'string' },
        items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'number' } } } },
      },
    };

    expect(compareSchemas(previous, next, { root: '$.data' })).toEqual({
      backward_compatible: false,
      changes: [
        { path: '$.data.parcel_id', change: 'retyped', compatible: false },
        { path: '$.data.weight', change: 'constraint_changed', compatible: false, keyword: 'minimum' },
        { path: '$.data.status', change: 'removed', compatible: false },
        { path: '$.data.note', change: 'made_required', compatible: false },
        { path: '$.data.items[*].sku', change: 'retyped', compatible: false },
        { path: '$.data.carrier', change: 'added_required', compatible: false },
      ],
    });
  });

  it('follows local $refs on both sides', () => {
    const before = {
      type: 'object',
      properties: { id: { $ref: '#/definitions/id' } },
      definitions: { id: { type: 'string' } },
    };
    const after = {
      type: 'object',
      properties: { id: { $ref: '#/$defs/id' } },
      $defs: { id: { type: 'integer' } },
    };
    expect(compareSchemas(before, after).changes).toEqual([
      { path: '$.id', change: 'retyped', compatible: false },
    ]);
  });

  it('treats an optional field becoming optional-from-required as compatible', () => {
    const next = { ...previous, required: [] };
    expect(compareSchemas(previous, next)).toEqual({
      backward_compatible: true,
      changes: [{ path: '$.parcel_id', change: 'constraint_changed', compatible: true, keyword: 'required' }],
    });
  });
});

describe('isSchemaComparison', () => {
  it('accepts what compareSchemas answers, and refuses other shapes', () => {
    const report = compareSchemas(
      { type: 'object', properties: { a: { type: 'string' } } },
      { type: 'object', properties: { a: { type: 'number', minimum: 1 } } },
    );
    expect(isSchemaComparison(report)).toBe(true);
    expect(isSchemaComparison({ backward_compatible: true, changes: [] })).toBe(true);
    expect(isSchemaComparison({ backward_compatible: 'yes', changes: [] })).toBe(false);
    expect(isSchemaComparison({ backward_compatible: true })).toBe(false);
    expect(
      isSchemaComparison({
        backward_compatible: true,
        changes: [{ path: '$.a', change: 'renamed', compatible: true }],
      }),
    ).toBe(false);
    expect(
      isSchemaComparison({
        backward_compatible: false,
        changes: [{ path: '$.a', change: 'constraint_changed', compatible: false, keyword: 7 }],
      }),
    ).toBe(false);
    expect(isSchemaComparison([])).toBe(false);
  });
});
