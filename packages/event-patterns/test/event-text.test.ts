import { compile, RuleSet } from '@bridgeport/event-patterns';

/** Both input forms of one event: what `matches` gives on the parsed object and what `matchesJson` gives on the text. */
function both(rules: RuleSet, text: string): { object: string[]; text: string[] } {
  return { object: rules.matches(JSON.parse(text)), text: rules.matchesJson(text) };
}

function ruleSet(patterns: Record<string, object>): RuleSet {
  const rules = new RuleSet();
  for (const [name, pattern] of Object.entries(patterns)) rules.add(name, pattern);
  return rules;
}

describe('RuleSet.matchesJson (matching an event given as JSON text)', () => {
  it('matches nothing, and still refuses malformed text, when no rule is loaded or every rule was removed', () => {
    const empty = new RuleSet();
    const emptied = ruleSet({ total: { detail: { total: [1] } } });
    emptied.remove('total');
    const text = '{"a\\u0062": 1, "detail": {"tot\\u0061l": 1, "x": [{"y": null}]}}';

    for (const rules of [empty, emptied]) {
      expect(both(rules, text)).toEqual({ object: [], text: [] });
      expect(() => rules.matchesJson('{"a": 1,}')).toThrow();
    }
  });

  it('matches what matches() matches on the parsed event, for every kind of expression', () => {
    const rules = ruleSet({
      exact: { source: ['orders'], detail: { total: [250] } },
      prefix: { 'detail-type': [{ prefix: 'order.' }] },
      suffix: { 'detail-type': [{ suffix: '.created' }] },
      ignoreCase: { source: [{ 'equals-ignore-case': 'ORDERS' }] },
      wildcard: { resources: [{ wildcard: 'arn:*:table/*' }] },
      numeric: { detail: { total: [{ numeric: ['>', 100, '<=', 250] }] } },
      cidr: { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
      anythingBut: { source: [{ 'anything-but': ['billing'] }] },
      absent: { detail: { coupon: [{ exists: false }] } },
      present: { detail: { ip: [{ exists: true }] } },
      either: { $or: [{ detail: { total: [1] } }, { source: ['orders'] }] },
      literal: { detail: { paid: [true], note: [null] } },
    });
    const text =
      '{"source":"orders","detail-type":"order.created","resources":["arn:aws:dynamodb:table/t"],' +
      '"detail":{"total":250.0,"ip":"10.0.0.7","paid":true,"note":null}}';
    expect(rules.matchesJson(text)).toEqual([
      'exact',
      'prefix',
      'suffix',
      'ignoreCase',
      'wildcard',
      'numeric',
      'cidr',
      'anythingBut',
      'absent',
      'present',
      'either',
      'literal',
    ]);
    expect(rules.matchesJson(text)).toEqual(rules.matches(JSON.parse(text)));
  });

  it('keeps the last value of a duplicated key, as JSON.parse does', () => {
    const rules = ruleSet({ one: { a: [1] }, two: { a: [2] }, inner: { o: { x: ['y'] } } });
    expect(both(rules, '{"a":1,"a":2}')).toEqual({ object: ['two'], text: ['two'] });
    expect(both(rules, '{"o":{"x":"y"},"o":{"z":1}}')).toEqual({ object: [], text: [] });
    expect(both(rules, '{"o":{"x":"n","x":"y"}}')).toEqual({ object: ['inner'], text: ['inner'] });
  });

  it('decodes escapes in keys and values', () => {
    const rules = ruleSet({ r: { ab: ['x"y\\z\u00e9'] } });
    expect(rules.matchesJson('{"a\\u0062": "x\\"y\\\\z\\u00e9"}')).toEqual(['r']);
    expect(rules.matchesJson('{"ab": "x\\"y\\\\z"}')).toEqual([]);
  });

  it('compares numbers by their double value, whatever their spelling', () => {
    const rules = ruleSet({ exact: { n: [300] }, range: { n: [{ numeric: ['>=', 299.5] }] } });
    for (const spelling of ['300', '300.0', '3e2', '3.00E+2', '30000e-2']) {
      expect(rules.matchesJson(`{"n": ${spelling}}`)).toEqual(['exact', 'range']);
    }
    expect(rules.matchesJson('{"n": "300"}')).toEqual([]);
    expect(both(rules, '{"n": -0}')).toEqual({ object: [], text: [] });
  });

  it('treats dot-joined keys and nested objects as the same path', () => {
    const rules = ruleSet({ r: { a: { b: ['x'] } } });
    expect(rules.matchesJson('{"a.b": "x"}')).toEqual(['r']);
    expect(rules.matchesJson('{"a": {"b": "x"}}')).toEqual(['r']);
    expect(both(rules, '{"a.b": "y", "a": {"b": "x"}}')).toEqual({ object: ['r'], text: ['r'] });
  });

  it('never combines fields from two elements of one array of objects', () => {
    const rules = ruleSet({ r: { items: { kind: ['book'], price: [{ numeric: ['<', 10] }] } } });
    expect(rules.matchesJson('{"items":[{"kind":"book","price":20},{"kind":"pen","price":5}]}')).toEqual([]);
    expect(rules.matchesJson('{"items":[{"kind":"pen","price":5},{"kind":"book","price":5}]}')).toEqual([
      'r',
    ]);
    expect(rules.matchesJson('{"items":[[{"kind":"book","price":5}]]}')).toEqual(['r']);
  });

  it('sees an empty array or an object as no value for exists', () => {
    const rules = ruleSet({ absent: { a: [{ exists: false }] }, present: { a: [{ exists: true }] } });
    expect(rules.matchesJson('{"a": []}')).toEqual(['absent']);
    expect(rules.matchesJson('{"a": {}}')).toEqual(['absent']);
    expect(rules.matchesJson('{"a": [null]}')).toEqual(['present']);
    expect(rules.matchesJson('{"b": 1}')).toEqual(['absent']);
  });

  it('reads no field of an event that is not an object, as matches() does', () => {
    const rules = ruleSet({ absent: { a: [{ exists: false }] }, present: { a: [{ exists: true }] } });
    for (const text of ['[]', '"text"', '1', 'null', ' [{"a": 1}] ', ' {} ']) {
      expect(both(rules, text)).toEqual({ object: ['absent'], text: ['absent'] });
    }
  });

  it('throws SyntaxError for text that is not JSON, even in parts no rule names', () => {
    const rules = ruleSet({ r: { a: [1] } });
    for (const text of [
      '',
      '{"a": 1',
      '{"a": 1,}',
      '{"a": 1} x',
      '{"a": 1, "b": [1,]}',
      '{"a": 1, "b": {"c" 1}}',
      '{"a": 1, "b": 01}',
      '{"a": 1, "b": "\\x"}',
      '{"a": 1, "b": "\\u00g1"}',
      '{"a": 1, "b": "\\u004"}',
      '{"a": 1, "b": "tab\there"}',
      '{"a": 1, "b": tru}',
      '{"a": 1, "b": 1.}',
      '{"a": 1, "b": [}',
      '\ufeff{"a": 1}',
    ]) {
      expect(() => rules.matchesJson(text)).toThrow(SyntaxError);
    }
  });

  it('reads deeply nested events', () => {
    const rules = ruleSet({ r: { a: [1] } });
    const deep = `{"a": 1, "b": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(rules.matchesJson(deep)).toEqual(['r']);
  });

  it('is offered by a compiled pattern too', () => {
    const pattern = compile({ detail: { state: ['on'] } });
    expect(pattern.matchesJson('{"detail": {"state": "on"}}')).toBe(true);
    expect(pattern.matchesJson('{"detail": {"state": "off"}}')).toBe(false);
  });
});
