import { InputLimit, jsonTextTooDeep, schemaLimitBreach, valueTooDeep } from '../src/input-limits';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonTextTooDeep', () => {
  it('counts object and array nesting up to the limit', () => {
    expect(jsonTextTooDeep(nested(64))).toBe(false);
    expect(jsonTextTooDeep(nested(65))).toBe(true);
    expect(jsonTextTooDeep(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonTextTooDeep(JSON.stringify({ text: '['.repeat(1000) }))).toBe(false);
    expect(jsonTextTooDeep(JSON.stringify({ text: `\\"${'{'.repeat(100)}` }))).toBe(false);
  });

  it('answers a 10,000-deep document without parsing it', () => {
    expect(jsonTextTooDeep(nested(10_000))).toBe(true);
  });
});

describe('valueTooDeep', () => {
  it('measures a parsed value without recursion', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = { a: value };
    expect(valueTooDeep(value)).toBe(true);
    expect(valueTooDeep(JSON.parse(nested(64)))).toBe(false);
    expect(valueTooDeep(JSON.parse(nested(65)))).toBe(true);
  });
});

describe('schemaLimitBreach', () => {
  it('names an enum over the limit', () => {
    const schema = { properties: { code: { enum: Array.from({ length: 1001 }, (_, i) => i) } } };
    expect(schemaLimitBreach(schema)).toEqual({
      segments: ['properties', 'code', 'enum'],
      message: `has 1001 items; the limit is ${InputLimit.MAX_ENUM_ITEMS}`,
    });
  });

  it('names a property map over the limit', () => {
    const properties = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, {}]));
    expect(schemaLimitBreach({ type: 'object', properties })).toEqual({
      segments: ['properties'],
      message: `has 1001 names; the limit is ${InputLimit.MAX_PROPERTIES}`,
    });
  });

  it('passes schemas within the limits, a property named enum included', () => {
    expect(schemaLimitBreach({ properties: { enum: { type: 'string' } }, enum: [1, 2] })).toBeUndefined();
  });
});
