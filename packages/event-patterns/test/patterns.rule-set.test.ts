import { RuleSet } from '@bridgeport/event-patterns';

describe('RuleSet', () => {
  it('returns the names of the matching rules, each once, in the order they were added', () => {
    const rules = new RuleSet();
    rules.add('by-source', { source: ['orders'] });
    rules.add('by-type', { 'detail-type': [{ prefix: 'order.' }] });
    rules.add('either', { $or: [{ source: ['orders'] }, { 'detail-type': ['order.created'] }] });
    rules.add('other', { source: ['billing'] });
    expect(rules.matches({ source: 'orders', 'detail-type': 'order.created' })).toEqual([
      'by-source',
      'by-type',
      'either',
    ]);
    expect(rules.matches({ source: 'billing' })).toEqual(['other']);
    expect(rules.matches({ source: 'nobody' })).toEqual([]);
  });

  it('add replaces a rule of the same name', () => {
    const rules = new RuleSet();
    rules.add('r', { source: ['a'] });
    rules.add('r', { source: ['b'] });
    expect(rules.size).toBe(1);
    expect(rules.matches({ source: 'a' })).toEqual([]);
    expect(rules.matches({ source: 'b' })).toEqual(['r']);
  });

  it('remove, has and size track the rules', () => {
    const rules = new RuleSet();
    rules.add('a', { source: ['x'] });
    rules.add('b', { source: ['x'] });
    expect(rules.has('a')).toBe(true);
    expect(rules.remove('a')).toBe(true);
    expect(rules.remove('a')).toBe(false);
    expect(rules.has('a')).toBe(false);
    expect(rules.size).toBe(1);
    expect(rules.matches({ source: 'x' })).toEqual(['b']);
  });

  it('keeps matching correctly after many rules are removed and the automaton is rebuilt', () => {
    const rules = new RuleSet();
    for (let i = 0; i < 1500; i++) rules.add(`r${i}`, { detail: { id: [i] } });
    for (let i = 0; i < 1500; i += 2) rules.remove(`r${i}`);
    expect(rules.size).toBe(750);
    expect(rules.matches({ detail: { id: 7 } })).toEqual(['r7']);
    expect(rules.matches({ detail: { id: 8 } })).toEqual([]);
    rules.add('r8', { detail: { id: [8] } });
    expect(rules.matches({ detail: { id: 8 } })).toEqual(['r8']);
  });

  it('reports each of several rules with the same pattern, and forgets only the removed one', () => {
    const rules = new RuleSet();
    rules.add('first', { source: ['x'], $or: [{ a: [1] }, { b: [1] }] });
    rules.add('second', { source: ['x'], $or: [{ a: [1] }, { b: [1] }] });
    rules.add('third', { source: ['x'], a: [1] });
    expect(rules.matches({ source: 'x', a: 1, b: 1 })).toEqual(['first', 'second', 'third']);
    rules.remove('first');
    expect(rules.matches({ source: 'x', a: 1, b: 1 })).toEqual(['second', 'third']);
    rules.remove('third');
    expect(rules.matches({ source: 'x', a: 1 })).toEqual(['second']);
    rules.add('first', { source: ['x'], a: [1] });
    expect(rules.matches({ source: 'x', a: 1 })).toEqual(['second', 'first']);
  });

  it('rules sharing a first field do not leak matches to each other', () => {
    const rules = new RuleSet();
    rules.add('short', { source: ['a'] });
    rules.add('long', { source: ['a'], detail: { n: [1] } });
    rules.add('multi', { source: ['a', 'b'], detail: { n: [2] } });
    expect(rules.matches({ source: 'a' })).toEqual(['short']);
    expect(rules.matches({ source: 'a', detail: { n: 1 } })).toEqual(['short', 'long']);
    expect(rules.matches({ source: 'b', detail: { n: 2 } })).toEqual(['multi']);
    expect(rules.matches({ source: 'b', detail: { n: 1 } })).toEqual([]);
  });

  it('handles exists:false rules alongside others on the same field', () => {
    const rules = new RuleSet();
    rules.add('no-tenant', { detail: { tenant: [{ exists: false }] } });
    rules.add('tenant-a', { detail: { tenant: ['a'] } });
    expect(rules.matches({ detail: {} })).toEqual(['no-tenant']);
    expect(rules.matches({ detail: { tenant: 'a' } })).toEqual(['tenant-a']);
  });

  it('routes with many rules of each common operator to exactly the right ones', () => {
    const rules = new RuleSet();
    for (let i = 0; i < 500; i++) {
      rules.add(`exact-${i}`, { detail: { id: [`id-${i}`] } });
      rules.add(`prefix-${i}`, { detail: { path: [{ prefix: `/p${i}/` }] } });
      rules.add(`suffix-${i}`, { detail: { file: [{ suffix: `.e${i}` }] } });
      rules.add(`range-${i}`, { detail: { n: [{ numeric: ['>=', i * 10, '<', i * 10 + 10] }] } });
    }
    expect(rules.matches({ detail: { id: 'id-42', path: '/p7/x', file: 'a.e13', n: 255 } })).toEqual([
      'prefix-7',
      'suffix-13',
      'range-25',
      'exact-42',
    ]);
  });
});

describe('RuleSet numeric ranges', () => {
  it('finds exactly the ranges containing a value among many overlapping ones, bounds open or closed', () => {
    const rules = new RuleSet();
    const ranges: [number, boolean, number, boolean][] = [];
    for (let i = 0; i < 300; i++) {
      const low = (i * 37) % 101;
      const high = low + 1 + ((i * 13) % 40);
      const lowOpen = i % 3 === 0;
      const highOpen = i % 2 === 0;
      ranges.push([low, lowOpen, high, highOpen]);
      rules.add(`r${i}`, { n: [{ numeric: [lowOpen ? '>' : '>=', low, highOpen ? '<' : '<=', high] }] });
    }
    for (const v of [-1, 0, 0.5, 17, 40, 40.25, 73, 100, 140, 141]) {
      const expected = ranges
        .map(([low, lowOpen, high, highOpen], i) =>
          (lowOpen ? v > low : v >= low) && (highOpen ? v < high : v <= high) ? `r${i}` : undefined,
        )
        .filter((name) => name !== undefined);
      expect({ v, matched: rules.matches({ n: v }) }).toEqual({ v, matched: expected });
    }
  });
});

describe('RuleSet with many values per field', () => {
  it('stays small and correct when every field of a rule lists many values', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f'];
    const pattern = Object.fromEntries(
      fields.map((f) => [f, Array.from({ length: 12 }, (_, i) => `${f}${i}`)]),
    );
    const rules = new RuleSet();
    const started = Date.now();
    rules.add('wide', pattern);
    expect(Date.now() - started).toBeLessThan(1000);
    const event = Object.fromEntries(fields.map((f, i) => [f, `${f}${(i * 5) % 12}`]));
    expect(rules.matches(event)).toEqual(['wide']);
    expect(rules.matches({ ...event, f: 'f12' })).toEqual([]);
  });

  it('does not let a rule that shares one value reach another rule through its other values', () => {
    const rules = new RuleSet();
    rules.add('many', { a: Array.from({ length: 300 }, (_, i) => `v${i}`), b: ['x'] });
    rules.add('one', { a: ['v1'], b: ['y'] });
    expect(rules.matches({ a: 'v2', b: 'y' })).toEqual([]);
    expect(rules.matches({ a: 'v1', b: 'y' })).toEqual(['one']);
    expect(rules.matches({ a: 'v2', b: 'x' })).toEqual(['many']);
    expect(rules.matches({ a: 'v1', b: 'x' })).toEqual(['many']);
  });

  it('keeps exists:false among many values of a field', () => {
    const rules = new RuleSet();
    rules.add('r', { a: [...Array.from({ length: 300 }, (_, i) => i), { exists: false }], b: ['x'] });
    expect(rules.matches({ b: 'x' })).toEqual(['r']);
    expect(rules.matches({ a: 299, b: 'x' })).toEqual(['r']);
    expect(rules.matches({ a: 300, b: 'x' })).toEqual([]);
  });
});

describe('RuleSet cidr and wildcard indexes', () => {
  it('finds every CIDR block containing an address, across mask lengths and families', () => {
    const rules = new RuleSet();
    for (let i = 0; i < 100; i++) rules.add(`b16-${i}`, { ip: [{ cidr: `10.${i}.0.0/16` }] });
    for (let j = 0; j < 100; j++) rules.add(`b24-${j}`, { ip: [{ cidr: `10.0.${j}.0/24` }] });
    rules.add('b30-host-bits', { ip: [{ cidr: '10.0.0.5/30' }] });
    rules.add('b13', { ip: [{ cidr: '10.8.0.0/13' }] });
    rules.add('v6', { ip: [{ cidr: '2001:db8::/33' }] });
    expect(rules.matches({ ip: '10.0.7.9' })).toEqual(['b16-0', 'b24-7']);
    expect(rules.matches({ ip: '10.0.0.3' })).toEqual(['b16-0', 'b24-0']);
    expect(rules.matches({ ip: '10.0.0.4' })).toEqual(['b16-0', 'b24-0', 'b30-host-bits']);
    expect(rules.matches({ ip: '10.0.0.7' })).toEqual(['b16-0', 'b24-0', 'b30-host-bits']);
    expect(rules.matches({ ip: '10.0.0.8' })).toEqual(['b16-0', 'b24-0']);
    expect(rules.matches({ ip: '10.15.1.1' })).toEqual(['b16-15', 'b13']);
    expect(rules.matches({ ip: '10.16.1.1' })).toEqual(['b16-16']);
    expect(rules.matches({ ip: '2001:db8:7fff::1' })).toEqual(['v6']);
    expect(rules.matches({ ip: '2001:db8:8000::1' })).toEqual([]);
  });

  it('finds every wildcard matching a value, whether it starts, ends or does neither with a literal', () => {
    const wildcards = ['a*', '*z', '*m*', 'a*z', 'ab*cd*', '*', 'b*', '*y', 'abmcdz', 'x*m*z', '*c*d*'];
    const rules = new RuleSet();
    wildcards.forEach((w, i) => {
      rules.add(`w${i}`, { s: [{ wildcard: w }] });
    });
    const regex = (w: string): RegExp =>
      new RegExp(
        `^${w
          .split('*')
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
    for (const value of ['abmcdz', 'az', 'mmm', 'b', 'by', 'xyz', '', 'abcd']) {
      const expected = wildcards.map((w, i) => (regex(w).test(value) ? `w${i}` : undefined)).filter(Boolean);
      expect({ value, matched: rules.matches({ s: value }) }).toEqual({ value, matched: expected });
    }
  });
});
