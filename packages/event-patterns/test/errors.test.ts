import {
  check,
  compile,
  DEFAULT_MAX_PATTERN_LENGTH,
  EventPatternError,
  InvalidEventPatternError,
  RuleSet,
} from '@bridgeport/event-patterns';

const cases: [string, string, string][] = [
  // structure
  ['an empty field list', '{"resources": []}', 'Empty arrays are not allowed'],
  ['an empty pattern', '{}', 'Empty objects are not allowed'],
  ['an empty nested object', '{"detail": {}}', 'Empty objects are not allowed'],
  ['a bare string leaf', '{"source": "a"}', '"source" must be an object or an array'],
  ['a bare number leaf', '{"detail": {"n": 1}}', '"n" must be an object or an array'],
  ['a nested array', '{"a": [["x"]]}', 'Match value must be String, number, true, false, or null'],
  ['an empty match expression', '{"a": [{}]}', 'Match expression name not found'],
  ['an unknown operator', '{"a": [{"regex": "x"}]}', 'Unrecognized match type regex'],
  ['a wrongly-cased operator', '{"a": [{"Prefix": "x"}]}', 'Unrecognized match type Prefix'],
  [
    'two operators in one expression',
    '{"a": [{"prefix": "x", "suffix": "y"}]}',
    'Only one key allowed in match expression',
  ],
  // string operators
  ['exactly with a number', '{"a": [{"exactly": 1}]}', 'exact match pattern must be a string'],
  ['prefix with a number', '{"a": [{"prefix": 1}]}', 'prefix match pattern must be a string'],
  ['prefix with a list', '{"a": [{"prefix": ["x"]}]}', 'prefix match pattern must be a string'],
  ['suffix with null', '{"a": [{"suffix": null}]}', 'suffix match pattern must be a string'],
  ['an empty prefix object', '{"a": [{"prefix": {}}]}', 'Prefix expression name not found'],
  ['an empty suffix object', '{"a": [{"suffix": {}}]}', 'Suffix expression name not found'],
  [
    'prefix with another nested operator',
    '{"a": [{"prefix": {"wildcard": "x"}}]}',
    'Unsupported prefix pattern: wildcard',
  ],
  [
    'suffix with another nested operator',
    '{"a": [{"suffix": {"exists": true}}]}',
    'Unsupported suffix pattern: exists',
  ],
  [
    'prefix equals-ignore-case with a number',
    '{"a": [{"prefix": {"equals-ignore-case": 1}}]}',
    'equals-ignore-case match pattern must be a string',
  ],
  [
    'equals-ignore-case with a list',
    '{"a": [{"equals-ignore-case": ["x"]}]}',
    'equals-ignore-case match pattern must be a string',
  ],
  // anything-but
  [
    'anything-but null',
    '{"a": [{"anything-but": null}]}',
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but true',
    '{"a": [{"anything-but": true}]}',
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but with a nested prefix object',
    '{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}',
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but list with null',
    '{"a": [{"anything-but": ["x", null]}]}',
    'Inside anything but list, start|null|boolean is not supported.',
  ],
  [
    'anything-but list with an object',
    '{"a": [{"anything-but": [{"x": 1}]}]}',
    'Inside anything but list, start|null|boolean is not supported.',
  ],
  [
    'anything-but list mixing strings and numbers',
    '{"a": [{"anything-but": ["x", 1]}]}',
    'Inside anything but list, either all values are number or string, mixed type is not supported',
  ],
  [
    'an empty anything-but list',
    '{"a": [{"anything-but": []}]}',
    'Inside anything but list, either all values are number or string, mixed type is not supported',
  ],
  ['an empty anything-but object', '{"a": [{"anything-but": {}}]}', 'Anything-But expression name not found'],
  [
    'anything-but numeric',
    '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
    'Unsupported anything-but pattern: numeric',
  ],
  [
    'anything-but empty prefix',
    '{"a": [{"anything-but": {"prefix": ""}}]}',
    'Null prefix/suffix not allowed',
  ],
  [
    'anything-but empty suffix in a list',
    '{"a": [{"anything-but": {"suffix": ["x", ""]}}]}',
    'Null prefix/suffix not allowed',
  ],
  [
    'anything-but prefix with a number',
    '{"a": [{"anything-but": {"prefix": 1}}]}',
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but suffix with null in a list',
    '{"a": [{"anything-but": {"suffix": [null]}}]}',
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but equals-ignore-case with a number',
    '{"a": [{"anything-but": {"equals-ignore-case": 1}}]}',
    'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  ],
  [
    'anything-but wildcard with a number',
    '{"a": [{"anything-but": {"wildcard": [1]}}]}',
    'wildcard match pattern must be a string',
  ],
  [
    'anything-but with a second key',
    '{"a": [{"anything-but": "x", "prefix": "y"}]}',
    'Too many elements in numeric expression',
  ],
  // numeric
  ['numeric with a number', '{"a": [{"numeric": 10}]}', 'Value of numeric must be an array.'],
  ['numeric with an empty list', '{"a": [{"numeric": []}]}', 'Invalid member in numeric match: ]'],
  ['numeric starting with a number', '{"a": [{"numeric": [5, ">"]}]}', 'Invalid member in numeric match: 5'],
  [
    'numeric with an unknown operator',
    '{"a": [{"numeric": ["!=", 5]}]}',
    'Unrecognized numeric range operator: !=',
  ],
  ['numeric = without a number', '{"a": [{"numeric": ["=", "5"]}]}', 'Value of equals must be numeric'],
  ['numeric > without a number', '{"a": [{"numeric": [">"]}]}', 'Value of > must be numeric'],
  [
    'numeric range missing its top value',
    '{"a": [{"numeric": [">", 0, "<"]}]}',
    'Value of < must be numeric',
  ],
  [
    'numeric range with two lower bounds',
    '{"a": [{"numeric": [">", 0, ">", 0]}]}',
    'Bad numeric range operator: >',
  ],
  [
    'numeric range with a number for operator',
    '{"a": [{"numeric": [">", 0, 5]}]}',
    'Bad value in numeric range: 5',
  ],
  [
    'numeric range with extra terms',
    '{"a": [{"numeric": [">", 0, "<", 5, 6]}]}',
    'Too many terms in numeric range expression',
  ],
  [
    'numeric < followed by more',
    '{"a": [{"numeric": ["<", 5, ">", 0]}]}',
    'Too many elements in numeric expression',
  ],
  ['numeric range upside down', '{"a": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top'],
  [
    'numeric with a second key',
    '{"a": [{"numeric": [">", 5], "x": 1}]}',
    'Too many elements in numeric expression',
  ],
  // exists
  [
    'exists with a string',
    '{"a": [{"exists": "true"}]}',
    'exists match pattern must be either true or false.',
  ],
  // cidr
  ['cidr without a slash', '{"a": [{"cidr": "bad-filter"}]}', "Malformed CIDR, one '/' required"],
  ['cidr with a trailing slash', '{"a": [{"cidr": "10.0.0.0/"}]}', "Malformed CIDR, one '/' required"],
  [
    'cidr with a bad mask',
    '{"a": [{"cidr": "bad-/64filter"}]}',
    'Malformed CIDR, mask bits must be an integer',
  ],
  [
    'cidr with a negative mask',
    '{"a": [{"cidr": "10.0.0.0/-1"}]}',
    'Malformed CIDR, mask bits must not be negative',
  ],
  ['cidr with a hostname', '{"a": [{"cidr": "xx.11.xx/8"}]}', 'Nonstandard IP address: xx.11.xx'],
  ['cidr with an out-of-range octet', '{"a": [{"cidr": "10.0.0.300/8"}]}', 'Invalid IP address: 10.0.0.300'],
  ['cidr /32', '{"a": [{"cidr": "10.0.0.1/32"}]}', 'IPv4 mask bits must be < 32'],
  ['cidr /128', '{"a": [{"cidr": "::1/128"}]}', 'IPv6 mask bits must be < 128'],
  ['cidr with a list', '{"a": [{"cidr": ["10.0.0.0/8"]}]}', 'prefix match pattern must be a string'],
  // wildcard
  ['wildcard with a number', '{"a": [{"wildcard": 1}]}', 'wildcard match pattern must be a string'],
  ['wildcard with **', '{"a": [{"wildcard": "ab**"}]}', 'Consecutive wildcard characters at pos 3'],
  [
    'wildcard ** after multi-byte characters',
    '{"a": [{"wildcard": "é**"}]}',
    'Consecutive wildcard characters at pos 3',
  ],
  ['wildcard with an unknown escape', '{"a": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 2'],
  ['wildcard ending in a backslash', '{"a": [{"wildcard": "ab\\\\"}]}', 'Invalid escape character at pos 3'],
  [
    'a too complex wildcard',
    '{"a": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}',
    'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
  ],
  // $or
  ['$or with an object', '{"$or": {"a": [1]}}', 'It must be an Array followed with $or.'],
  [
    '$or with a string member',
    '{"$or": [{"a": [1]}, "b"]}',
    'Only JSON object is allowed in array of $or relationship.',
  ],
  ['$or with one member', '{"$or": [{"a": [1]}]}', 'There must have at least 2 Objects in $or relationship.'],
  [
    '$or with an operator name as a field',
    '{"$or": [{"numeric": [1]}, {"b": [1]}]}',
    'numeric is Ruler reserved fieldName which cannot be used inside $or.',
  ],
  // JSON syntax, in Jackson's words
  [
    'a top-level array',
    '["a"]',
    'Filter is not an object\n at [Source: (String)"["a"]"; line: 1, column: 2]',
  ],
  [
    'plain text',
    'not json',
    `Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)"not json"; line: 1, column: 4]`,
  ],
  [
    'single quotes',
    "{'a': ['b']}",
    `Unexpected character (''' (code 39)): was expecting double-quote to start field name\n at [Source: (String)"{'a': ['b']}"; line: 1, column: 2]`,
  ],
  [
    'a missing comma, on the second line',
    '{"a": ["b"]\n "c": ["d"]}',
    'Unexpected character (\'"\' (code 34)): was expecting comma to separate Object entries\n at [Source: (String)"{"a": ["b"]\n "c": ["d"]}"; line: 2, column: 2]',
  ],
  [
    'an unterminated object',
    '{"a": ["b"]',
    'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a": ["b"]"; line: 1, column: 1])\n at [Source: (String)"{"a": ["b"]"; line: 1, column: 12]',
  ],
  [
    'a control character between tokens',
    '{"a":\u0001["b"]}',
    'Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens\n at [Source: (String)"{"a":\u0001["b"]}"; line: 1, column: 6]',
  ],
  [
    'a leading zero',
    '{"a": [01]}',
    'Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"{"a": [01]}"; line: 1, column: 9]',
  ],
];

describe('check: AWS reason texts', () => {
  it.each(cases)('rejects %s', (_description, pattern, reason) => {
    expect(check(pattern)).toBe(reason);
  });

  it('returns undefined for a valid pattern, given as text or as an object', () => {
    expect(check('{"source": ["a"], "detail": {"n": [{"numeric": [">", 1]}]}}')).toBeUndefined();
    expect(check({ source: ['a'] })).toBeUndefined();
  });

  it('serializes a pattern given as an object before checking it, as a client would', () => {
    expect(check(['a'])).toBe('Filter is not an object\n at [Source: (String)"["a"]"; line: 1, column: 2]');
    expect(check({ source: 'a' })).toBe('"source" must be an object or an array');
  });

  it('never throws, even for input that cannot be serialized', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(check(cyclic)).toBe('Filter is not an object');
  });

  it("rethrows a fault that is not the pattern's, instead of reporting it as an invalid pattern", () => {
    const fault = new Error('a fault inside the compiler');
    const options = {
      get maxLength(): number {
        throw fault;
      },
    };
    expect(() => check('{"source": ["a"]}', options)).toThrow(fault);
  });

  it('reports the first problem in document order', () => {
    expect(check('{"a": [], "b": "x"}')).toBe('Empty arrays are not allowed');
    expect(check('{"b": "x", "a": []}')).toBe('"b" must be an object or an array');
  });

  it(`limits patterns to ${DEFAULT_MAX_PATTERN_LENGTH} characters by default, and the limit is configurable`, () => {
    const long = JSON.stringify({ source: ['x'.repeat(2100)] });
    expect(check(long)).toBe(`Event pattern is too long: ${long.length} characters, the maximum is 2048`);
    expect(check(long, { maxLength: 4096 })).toBeUndefined();
    expect(check('{"source": ["abc"]}', { maxLength: 10 })).toBe(
      'Event pattern is too long: 19 characters, the maximum is 10',
    );
  });

  it('allows at most 1000 combinations of $or branches', () => {
    const tenWay = (field: string): object => ({
      $or: Array.from({ length: 10 }, (_, i) => ({ [`${field}${i}`]: [i] })),
    });
    expect(check({ a: tenWay('x'), b: tenWay('y'), c: tenWay('z') })).toBeUndefined();
    expect(
      check({ a: tenWay('x'), b: tenWay('y'), c: tenWay('z'), d: { $or: [{ p: [1] }, { q: [1] }] } }),
    ).toBe('The pattern has more than 1000 combinations of $or branches');
  });
});

describe('compile / RuleSet errors', () => {
  it('throws InvalidEventPatternError with the AWS message, reason and code', () => {
    let error: unknown;
    try {
      compile('{"a": []}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toBeInstanceOf(EventPatternError);
    expect(error).toMatchObject({
      name: 'InvalidEventPatternError',
      message: 'Event pattern is not valid. Reason: Empty arrays are not allowed',
      reason: 'Empty arrays are not allowed',
      code: 'InvalidEventPatternException',
    });
  });

  it('RuleSet.add rejects an invalid pattern and keeps the rule it would have replaced', () => {
    const rules = new RuleSet();
    rules.add('r', { source: ['a'] });
    expect(() => rules.add('r', '{"source": "a"}')).toThrow(
      'Event pattern is not valid. Reason: "source" must be an object or an array',
    );
    expect(rules.matches({ source: 'a' })).toEqual(['r']);
  });

  it('RuleSet applies its maxLength option', () => {
    const rules = new RuleSet({ maxLength: 20 });
    expect(() => rules.add('r', { source: ['a-rather-long-source-name'] })).toThrow(InvalidEventPatternError);
    expect(rules.size).toBe(0);
  });
});
