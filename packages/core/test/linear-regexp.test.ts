import { compileLinearRegExp, linearRegExpProblem, linearTest } from '../src/linear-regexp';

describe('compileLinearRegExp', () => {
  it('matches as JSON Schema reads a pattern (unanchored unless anchored)', () => {
    expect(compileLinearRegExp('^P-\\d{3}$').test('P-123')).toBe(true);
    expect(compileLinearRegExp('^P-\\d{3}$').test('P-1234')).toBe(false);
    expect(compileLinearRegExp('b').test('abc')).toBe(true);
  });

  it('reads JavaScript unicode escapes and property classes', () => {
    expect(compileLinearRegExp('^\\u00e9+$').test('éé')).toBe(true);
    expect(compileLinearRegExp('^\\u{1F600}$').test('😀')).toBe(true);
    expect(compileLinearRegExp('^\\p{L}+$').test('héllo')).toBe(true);
    expect(compileLinearRegExp('^\\\\u0041$').test('\\u0041')).toBe(true);
  });

  it('answers a catastrophic-backtracking pattern at once', () => {
    const started = performance.now();
    expect(compileLinearRegExp('^(a+)+$').test(`${'a'.repeat(10_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('linearRegExpProblem', () => {
  it.each(['(a)\\1', '(?=a)b', '(?<!a)b'])('refuses %s, which needs backtracking', (pattern) => {
    expect(linearRegExpProblem(pattern)).toMatch(/^is not a regular expression the linear-time engine runs/);
  });

  it('accepts ordinary patterns', () => {
    expect(linearRegExpProblem('^[A-Z]{2}-[0-9]+$')).toBeUndefined();
  });
});

describe('linearTest', () => {
  it('is false for a pattern that does not compile', () => {
    expect(linearTest('(a)\\1', 'aa')).toBe(false);
    expect(linearTest('^a', 'ab')).toBe(true);
  });
});
