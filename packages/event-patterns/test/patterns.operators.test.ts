import { check, compile, RuleSet } from '@bridgeport/event-patterns';

function matches(pattern: object, event: object): boolean {
  return compile(pattern).matches(event);
}

describe('exact values', () => {
  it('matches a string only by the identical string', () => {
    const pattern = { detail: { state: ['running'] } };
    expect(matches(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matches(pattern, { detail: { state: 'Running' } })).toBe(false);
    expect(matches(pattern, { detail: { state: 'running ' } })).toBe(false);
  });

  it('compares numbers numerically, so 300 matches 300.0 and 3e2', () => {
    expect(matches({ n: [300] }, { n: 300.0 })).toBe(true);
    expect(matches({ n: [3e2] }, { n: 300 })).toBe(true);
    expect(matches(JSON.parse('{"n":[3.0e2]}') as object, { n: 300 })).toBe(true);
    expect(matches({ n: [300] }, { n: 301 })).toBe(false);
  });

  it('never matches a number against a string or the other way round', () => {
    expect(matches({ n: [300] }, { n: '300' })).toBe(false);
    expect(matches({ n: ['300'] }, { n: 300 })).toBe(false);
  });

  it('matches booleans and null only by themselves', () => {
    expect(matches({ b: [true] }, { b: true })).toBe(true);
    expect(matches({ b: [true] }, { b: 'true' })).toBe(false);
    expect(matches({ v: [null] }, { v: null })).toBe(true);
    expect(matches({ v: [null] }, { v: '' })).toBe(false);
    expect(matches({ v: [null] }, {})).toBe(false);
    expect(matches({ v: [''] }, { v: null })).toBe(false);
  });

  it('ORs the values listed for a field and ANDs the fields', () => {
    const pattern = { source: ['a', 'b'], detail: { kind: ['x'] } };
    expect(matches(pattern, { source: 'b', detail: { kind: 'x' } })).toBe(true);
    expect(matches(pattern, { source: 'c', detail: { kind: 'x' } })).toBe(false);
    expect(matches(pattern, { source: 'a', detail: { kind: 'y' } })).toBe(false);
  });

  it('matches a field named as a leaf only by scalar values, never by an object', () => {
    expect(matches({ detail: ['x'] }, { detail: { x: 1 } })).toBe(false);
  });

  it('treats an IP address literal as the address, whatever its spelling', () => {
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' })).toBe(true);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe(false);
  });

  it('accepts the undocumented exactly operator as an exact string match', () => {
    expect(matches({ s: [{ exactly: 'a*' }] }, { s: 'a*' })).toBe(true);
    expect(matches({ s: [{ exactly: 'a*' }] }, { s: 'ab' })).toBe(false);
  });
});

describe('arrays in events', () => {
  it('matches when any element matches', () => {
    expect(matches({ resources: ['b', 'z'] }, { resources: ['a', 'b'] })).toBe(true);
    expect(matches({ resources: ['z'] }, { resources: ['a', 'b'] })).toBe(false);
  });

  it('looks inside arrays of objects', () => {
    const event = { detail: { items: [{ sku: 'a' }, { sku: 'b', qty: 2 }] } };
    expect(matches({ detail: { items: { sku: ['b'] } } }, event)).toBe(true);
    expect(matches({ detail: { items: { qty: [{ numeric: ['>', 1] }] } } }, event)).toBe(true);
  });

  it('does not combine fields from different elements of one array', () => {
    const event = {
      detail: {
        items: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2 },
        ],
      },
    };
    expect(matches({ detail: { items: { sku: ['a'], qty: [1] } } }, event)).toBe(true);
    expect(matches({ detail: { items: { sku: ['a'], qty: [2] } } }, event)).toBe(false);
  });

  it('matches nothing in an empty array', () => {
    expect(matches({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matches({ resources: [null] }, { resources: [] })).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('prefix matches strings that start with the operand, case-sensitively', () => {
    const pattern = { time: [{ prefix: '2022-07' }] };
    expect(matches(pattern, { time: '2022-07-13T00:00:00Z' })).toBe(true);
    expect(matches(pattern, { time: '2022-08-13T00:00:00Z' })).toBe(false);
    expect(matches({ s: [{ prefix: 'ab' }] }, { s: 'ABc' })).toBe(false);
  });

  it('an empty prefix or suffix matches any string but no other value', () => {
    expect(matches({ s: [{ prefix: '' }] }, { s: 'anything' })).toBe(true);
    expect(matches({ s: [{ prefix: '' }] }, { s: 12 })).toBe(false);
    expect(matches({ s: [{ suffix: '' }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ suffix: '' }] }, { s: null })).toBe(false);
  });

  it('suffix matches strings that end with the operand, case-sensitively', () => {
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.PNG' })).toBe(false);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'png' })).toBe(false);
  });

  it('the equals-ignore-case forms ignore case', () => {
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'EvEnT' } }] }, { s: 'eventbridge' })).toBe(true);
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'x' } }] }, { s: 'eventbridge' })).toBe(false);
    expect(matches({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'a.jpg' })).toBe(false);
  });

  it('several prefixes of different lengths on one field each match', () => {
    const pattern = { s: [{ prefix: 'x' }, { prefix: 'abc' }] };
    expect(matches(pattern, { s: 'abcd' })).toBe(true);
    expect(matches(pattern, { s: 'xy' })).toBe(true);
    expect(matches(pattern, { s: 'ab' })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches the same string in any case, and "" only the empty string', () => {
    expect(matches({ s: [{ 'equals-ignore-case': 'Hello' }] }, { s: 'hELLO' })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': 'Hello' }] }, { s: 'hello!' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': '' }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': '' }] }, { s: 'x' })).toBe(false);
  });
});

describe('anything-but', () => {
  it('matches any present value other than the operand, JSON null included', () => {
    const pattern = { s: [{ 'anything-but': 'stopped' }] };
    expect(matches(pattern, { s: 'running' })).toBe(true);
    expect(matches(pattern, { s: null })).toBe(true);
    expect(matches(pattern, { s: 5 })).toBe(true);
    expect(matches(pattern, { s: 'stopped' })).toBe(false);
  });

  it('never matches a missing field', () => {
    expect(matches({ s: [{ 'anything-but': 'stopped' }] }, {})).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: 'a' } }] }, { t: 'b' })).toBe(false);
  });

  it('excludes every value of a list, numbers compared numerically', () => {
    const pattern = { n: [{ 'anything-but': [100, 200] }] };
    expect(matches(pattern, { n: 200.0 })).toBe(false);
    expect(matches(pattern, { n: 150 })).toBe(true);
    expect(matches(pattern, { n: '100' })).toBe(true);
  });

  it('anything-but prefix / suffix exclude strings with that start or end and pass other types', () => {
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'initialising' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: ['a', 'b'] } }] }, { s: 'boot' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'running' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 12 })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { suffix: '.txt' } }] }, { s: 'a.txt' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { suffix: '.txt' } }] }, { s: 'a.txt.bak' })).toBe(true);
  });

  it('anything-but equals-ignore-case excludes regardless of case', () => {
    const pattern = { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'x'] } }] };
    expect(matches(pattern, { s: 'STOPPED' })).toBe(false);
    expect(matches(pattern, { s: 'running' })).toBe(true);
  });

  it('anything-but wildcard excludes values the wildcard matches; "" excludes only ""', () => {
    expect(matches({ p: [{ 'anything-but': { wildcard: '*/init/*' } }] }, { p: 'a/init/b' })).toBe(false);
    expect(matches({ p: [{ 'anything-but': { wildcard: '*/init/*' } }] }, { p: 'a/post/b' })).toBe(true);
    expect(matches({ p: [{ 'anything-but': { wildcard: '' } }] }, { p: 'x' })).toBe(true);
    expect(matches({ p: [{ 'anything-but': { wildcard: '' } }] }, { p: '' })).toBe(false);
  });
});

describe('numeric', () => {
  it('supports =, <, <=, >, >= on JSON numbers only', () => {
    expect(matches({ n: [{ numeric: ['=', 5] }] }, { n: 5.0 })).toBe(true);
    expect(matches({ n: [{ numeric: ['<', 5] }] }, { n: 5 })).toBe(false);
    expect(matches({ n: [{ numeric: ['<=', 5] }] }, { n: 5 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 5] }] }, { n: 5 })).toBe(false);
    expect(matches({ n: [{ numeric: ['>=', 5] }] }, { n: 5 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 5] }] }, { n: '6' })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 5] }] }, { n: null })).toBe(false);
  });

  it('accepts every operand whose value is that of its double in shortest form, across the whole float64 range', () => {
    for (const operand of [
      '0.1',
      '1e2',
      '-122.42916360922355',
      '1.7976931348623157e308',
      '5e-324',
      '-0',
      '9007199254740992',
    ]) {
      expect({ operand, reason: check(`{"n": [{"numeric": [">", ${operand}]}]}`) }).toEqual({
        operand,
        reason: undefined,
      });
    }
    expect(matches({ n: [{ numeric: ['>', 1e300] }] }, { n: 1.5e300 })).toBe(true);
  });

  it('follows the shortest form of the double where event-ruler on JDK 17 writes another (1e23 as 9.999999999999999E22)', () => {
    for (const operand of ['1e23', '8.41e21', '5e-324', '1.7976931348623157e308']) {
      expect({ operand, reason: check(`{"n": [{"numeric": ["<", ${operand}]}]}`) }).toEqual({
        operand,
        reason: undefined,
      });
    }
    expect(check('{"n": [{"numeric": [">", 4.9e-324]}]}')).toBe('Cannot compare number : 4.9e-324');
  });

  it('rejects an operand that no double holds exactly, as event-ruler does', () => {
    for (const operand of ['1e400', '-1e400', '0.30000000000000001', '123456789012345678', '1e-400']) {
      expect(check(`{"n": [{"numeric": [">", ${operand}]}]}`)).toBe(`Cannot compare number : ${operand}`);
      expect(check(`{"n": [{"anything-but": [${operand}]}]}`)).toBe(`Cannot compare number : ${operand}`);
    }
  });

  it('compares an event number by its double value, in both input forms', () => {
    const rules = new RuleSet();
    rules.add('r', { n: [{ numeric: ['=', 0.3] }] });
    expect(rules.matches(JSON.parse('{"n": 0.30000000000000001}'))).toEqual(['r']);
    expect(rules.matchesJson('{"n": 0.30000000000000001}')).toEqual(['r']);
  });

  it('ANDs the two sides of a range, open or closed', () => {
    const closed = { n: [{ numeric: ['>=', 0, '<=', 5] }] };
    const open = { n: [{ numeric: ['>', 0, '<', 5] }] };
    expect([0, 2.5, 5, 5.0001].map((n) => matches(closed, { n }))).toEqual([true, true, true, false]);
    expect([0, 2.5, 5, -1].map((n) => matches(open, { n }))).toEqual([false, true, false, false]);
  });

  it('handles negative and fractional bounds', () => {
    const pattern = { x: [{ numeric: ['>', -122.46, '<', -122.4] }] };
    expect(matches(pattern, { x: -122.42 })).toBe(true);
    expect(matches(pattern, { x: -122.39 })).toBe(false);
  });
});

describe('exists', () => {
  it('exists:true matches any leaf value, null included, but not an object or an empty array', () => {
    expect(matches({ k: [{ exists: true }] }, { k: null })).toBe(true);
    expect(matches({ k: [{ exists: true }] }, { k: { nested: 1 } })).toBe(false);
    expect(matches({ k: [{ exists: true }] }, { k: [] })).toBe(false);
    expect(matches({ k: [{ exists: true }] }, {})).toBe(false);
  });

  it('exists:false matches when the leaf is absent, including when its parent is absent', () => {
    expect(matches({ a: { b: [{ exists: false }] } }, { a: { c: 1 } })).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, {})).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: { b: 'x' } })).toBe(false);
  });

  it('combines with other conditions on the same field as an OR', () => {
    const pattern = { s: [{ 'anything-but': ['roses'] }, { exists: false }] };
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { s: 'tulips' })).toBe(true);
    expect(matches(pattern, { s: 'roses' })).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses inside the block', () => {
    const pattern = { ip: [{ cidr: '10.0.0.0/24' }] };
    expect(matches(pattern, { ip: '10.0.0.255' })).toBe(true);
    expect(matches(pattern, { ip: '10.0.1.0' })).toBe(false);
    expect(matches(pattern, { ip: '10.0.0.256' })).toBe(false);
    expect(matches(pattern, { ip: 167772161 })).toBe(false);
  });

  it('matches IPv6 addresses inside the block in any spelling', () => {
    const pattern = { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] };
    expect(matches(pattern, { ip: '2001:db8:1234:1a00::42' })).toBe(true);
    expect(matches(pattern, { ip: '2001:0DB8:1234:1A00:FFFF:0:0:1' })).toBe(true);
    expect(matches(pattern, { ip: '2001:db8:1234:1a01::' })).toBe(false);
    expect(matches(pattern, { ip: '10.0.0.1' })).toBe(false);
  });

  it('masks host bits set in the block, as event-ruler does (10.0.0.1/24 is 10.0.0.0 to 10.0.0.255)', () => {
    const pattern = { ip: [{ cidr: '10.0.0.1/24' }] };
    expect(matches(pattern, { ip: '10.0.0.0' })).toBe(true);
    expect(matches(pattern, { ip: '10.0.0.255' })).toBe(true);
    expect(matches(pattern, { ip: '10.0.1.0' })).toBe(false);
    const v6 = { ip: [{ cidr: '2001:db8::ffff/120' }] };
    expect(matches(v6, { ip: '2001:db8::ff00' })).toBe(true);
    expect(matches(v6, { ip: '2001:db8::feff' })).toBe(false);
  });
});

describe('wildcard', () => {
  it('* matches any run of characters, including none', () => {
    const pattern = { arn: [{ wildcard: 'arn:aws:events:*:event-bus/*' }] };
    expect(matches(pattern, { arn: 'arn:aws:events:us-east-1:1:event-bus/x' })).toBe(true);
    expect(matches(pattern, { arn: 'arn:aws:events::event-bus/' })).toBe(true);
    expect(matches(pattern, { arn: 'arn:aws:sqs:us-east-1:1:queue' })).toBe(false);
  });

  it('\\* is a literal star and \\\\ a literal backslash', () => {
    expect(matches({ s: [{ wildcard: 'a\\*b' }] }, { s: 'a*b' })).toBe(true);
    expect(matches({ s: [{ wildcard: 'a\\*b' }] }, { s: 'axb' })).toBe(false);
    expect(matches({ s: [{ wildcard: 'a\\\\b' }] }, { s: 'a\\b' })).toBe(true);
  });

  it('matches repeated segments after a wildcard correctly', () => {
    const pattern = { f: [{ wildcard: '/Users/*/dir/dir/doc.txt' }] };
    expect(matches(pattern, { f: '/Users/me/dir/dir/dir/doc.txt' })).toBe(true);
    expect(matches(pattern, { f: '/Users/me/dir/doc.txt' })).toBe(false);
  });

  it('an empty wildcard matches only the empty string and never a number', () => {
    expect(matches({ s: [{ wildcard: '' }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ wildcard: '' }] }, { s: 'x' })).toBe(false);
    expect(matches({ s: [{ wildcard: '*' }] }, { s: 1 })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any branch matches, at the top level', () => {
    const pattern = {
      source: ['app'],
      $or: [{ 'detail-type': ['a'] }, { detail: { level: [{ numeric: ['>', 3] }] } }],
    };
    expect(matches(pattern, { source: 'app', 'detail-type': 'a' })).toBe(true);
    expect(matches(pattern, { source: 'app', 'detail-type': 'b', detail: { level: 4 } })).toBe(true);
    expect(matches(pattern, { source: 'app', 'detail-type': 'b', detail: { level: 2 } })).toBe(false);
    expect(matches(pattern, { source: 'other', 'detail-type': 'a' })).toBe(false);
  });

  it('works nested inside a field and combined with later fields', () => {
    const pattern = { detail: { $or: [{ a: [1] }, { b: [2] }], c: [3] } };
    expect(matches(pattern, { detail: { a: 1, c: 3 } })).toBe(true);
    expect(matches(pattern, { detail: { b: 2, c: 3 } })).toBe(true);
    expect(matches(pattern, { detail: { a: 1 } })).toBe(false);
  });
});

describe('keys', () => {
  it('a dot-joined pattern key matches nested event fields, and a nested pattern matches a dotted event key', () => {
    expect(matches({ detail: { 'state.status': ['on'] } }, { detail: { state: { status: 'on' } } })).toBe(
      true,
    );
    expect(matches({ detail: { state: { status: ['on'] } } }, { detail: { 'state.status': 'on' } })).toBe(
      true,
    );
  });

  it('keys are case-sensitive', () => {
    expect(matches({ Key: ['v'] }, { key: 'v' })).toBe(false);
  });

  it('keeps the last of duplicate keys', () => {
    const pattern = compile('{"s": ["a"], "s": ["b"]}');
    expect(pattern.matches({ s: 'b' })).toBe(true);
    expect(pattern.matches({ s: 'a' })).toBe(false);
  });

  it('does not parse a detail given as a JSON string', () => {
    expect(matches({ detail: { k: ['v'] } }, { detail: '{"k":"v"}' })).toBe(false);
  });
});

describe('compile', () => {
  it('exposes the parsed pattern as source, from a string or an object', () => {
    expect(compile('{"source": ["a"]}').source).toEqual({ source: ['a'] });
    expect(compile({ source: ['a'] }).source).toEqual({ source: ['a'] });
  });

  it('treats a non-object event as having no fields', () => {
    expect(compile({ s: ['a'] }).matches('s')).toBe(false);
    expect(compile({ s: [{ exists: false }] }).matches(null)).toBe(true);
  });
});
