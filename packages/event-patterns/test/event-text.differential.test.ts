import { check, RuleSet } from '@bridgeport/event-patterns';
import { prng } from './support/citylots-events';

/**
 * Randomized differential test: for thousands of (pattern, event) pairs drawn from a fixed seed, matching the event's
 * JSON text gives exactly what matching its parsed object gives. Events are written as text directly, so that they
 * carry what JSON.stringify never writes: duplicated keys, dot-joined keys, escapes, white space, numbers spelled in
 * many ways (`1e2`, `-0`, `1e400`, more digits than a double holds) and arrays of objects and of arrays.
 */

const random = prng(20261205);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const KEYS = ['a', 'b', 'c', 'd', 'a.b', 'b.c', 'a.b.c'] as const;
const STRINGS = [
  'on',
  'off',
  'ON',
  'On!',
  '10.0.0.7',
  '10.0.1.1',
  '::1',
  'arn:aws:s3:x',
  '',
  'é',
  'a"b',
  'x\\y',
  '1',
  // Case mappings that change length or are not one-to-one, for the ignore-case operators.
  'STRASSE',
  'straße',
  'İstanbul',
  'ΣΊΣΥΦΟΣ',
  'ǅemal',
];
const NUMBERS = [
  '1',
  '1.0',
  '-1',
  '0',
  '-0',
  '2.5',
  '1e2',
  '100',
  '0.30000000000000001',
  '1e400',
  '-1e400',
  '1E-2',
];

function ws(): string {
  return random() < 0.2 ? pick([' ', '\n', '\t ', '\r\n  ']) : '';
}

/** A JSON string literal, some of its characters written as `\uXXXX` escapes. */
function stringLiteral(value: string): string {
  const plain = JSON.stringify(value);
  if (random() < 0.7) return plain;
  let out = '"';
  for (const ch of value) {
    if (random() < 0.5) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += JSON.stringify(ch).slice(1, -1);
  }
  return `${out}"`;
}

function valueText(depth: number): string {
  const roll = random();
  if (roll < 0.35) return stringLiteral(pick(STRINGS));
  if (roll < 0.6) return pick(NUMBERS);
  if (roll < 0.68) return pick(['true', 'false', 'null']);
  if (roll < 0.84 && depth < 3) {
    const n = int(4);
    const items = Array.from({ length: n }, () => ws() + valueText(depth + 1) + ws());
    return `[${items.join(',')}]`;
  }
  if (depth < 3) return objectText(depth + 1);
  if (roll < 0.9) return deepText(3 + int(6));
  return stringLiteral(pick(STRINGS));
}

/** Containers nested `depth` deep, with a scalar or two at the bottom. */
function deepText(depth: number): string {
  if (depth === 0) return random() < 0.5 ? stringLiteral(pick(STRINGS)) : pick(NUMBERS);
  const inner = ws() + deepText(depth - 1) + ws();
  if (random() < 0.5) return random() < 0.5 ? `[${inner}]` : `[${inner},${ws()}${pick(NUMBERS)}]`;
  return `{${ws()}${stringLiteral(pick(KEYS))}${ws()}:${inner}}`;
}

function objectText(depth: number): string {
  const n = int(5);
  const members = Array.from(
    { length: n },
    () => `${ws()}${stringLiteral(pick(KEYS))}${ws()}:${ws()}${valueText(depth)}${ws()}`,
  );
  return `{${members.join(',')}}`;
}

function valueExpression(): unknown {
  switch (int(17)) {
    case 0:
      return pick(STRINGS);
    case 1:
      return Number(pick(NUMBERS.filter((n) => Number.isFinite(Number(n)))));
    case 2:
      return pick([true, false, null]);
    case 3:
      return { prefix: pick(['o', 'O', '10.', '']) };
    case 4:
      return { suffix: pick(['n', 'ff', '!', '']) };
    case 5:
      return { 'equals-ignore-case': pick(['ON', 'off', 'é']) };
    case 6:
      return { wildcard: pick(['o*', '*n', '*', 'a*b', '10.*.7']) };
    case 7:
      return {
        numeric: pick([
          ['>', 0],
          ['<=', 1],
          ['=', 100],
          ['>=', -1, '<', 2.5],
        ]),
      };
    case 8:
      return { cidr: pick(['10.0.0.0/24', '10.0.0.0/8', '::/1']) };
    case 9:
      return { exists: random() < 0.5 };
    case 10:
      return { 'anything-but': pick([['on'], [1, 2], 'off', 100]) };
    case 11:
      return { 'anything-but': pick([{ prefix: 'o' }, { suffix: 'n' }, { 'equals-ignore-case': ['ON'] }]) };
    case 12:
      return { prefix: { 'equals-ignore-case': pick(['o', 'St', 'i̇s', 'σί']) } };
    case 13:
      return { suffix: { 'equals-ignore-case': pick(['N', 'fF', 'SSE', 'ße', 'ς']) } };
    case 14:
      return { 'equals-ignore-case': pick(['straße', 'İSTANBUL', 'σίσυφος', 'ǆEMAL']) };
    case 15:
      return { 'anything-but': { 'equals-ignore-case': pick([['on', 'STRASSE'], 'İstanbul']) } };
    default:
      return { 'anything-but': { wildcard: 'o*' } };
  }
}

function fieldsPattern(): Record<string, unknown> {
  const pattern: Record<string, unknown> = {};
  for (let n = 1 + int(3); n > 0; n--) {
    const path = pick(['a', 'b', 'c', 'd', 'a.b', 'a.c', 'b.c', 'a.b.c']).split('.');
    const values = Array.from({ length: 1 + int(3) }, valueExpression);
    let node = pattern;
    let ok = true;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (next === undefined) node[segment] = {};
      else if (Array.isArray(next)) ok = false;
      if (!ok) break;
      node = node[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (ok && node[last] === undefined) node[last] = values;
  }
  return pattern;
}

function pattern(): object {
  if (random() < 0.2) return { $or: [fieldsPattern(), fieldsPattern()] };
  return fieldsPattern();
}

/** A copy of `text` with one character deleted, replaced or inserted. */
function corrupt(text: string): string {
  const at = int(text.length + 1);
  const ch = pick(['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', 'e', '.', '-', 'x', '\u0001']);
  switch (int(3)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + ch + text.slice(at + 1);
    default:
      return text.slice(0, at) + ch + text.slice(at);
  }
}

describe('matching JSON text agrees with matching the parsed object (randomized, fixed seed)', () => {
  const ROUNDS = 20;
  const RULES = 25;
  const EVENTS = 200;

  it(`gives the same matches for ${ROUNDS * RULES * EVENTS} pattern/event pairs`, () => {
    let pairs = 0;
    let matched = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const rules = new RuleSet();
      while (rules.size < RULES) {
        const p = pattern();
        if (check(p) === undefined) rules.add(`r${rules.size}`, p);
      }
      for (let e = 0; e < EVENTS; e++) {
        const text = ws() + objectText(0) + ws();
        const expected = rules.matches(JSON.parse(text));
        const actual = rules.matchesJson(text);
        if (actual.join('|') !== expected.join('|')) {
          expect({ text, actual }).toEqual({ text, actual: expected });
        }
        pairs += RULES;
        matched += expected.length;
      }
    }
    expect(pairs).toBe(ROUNDS * RULES * EVENTS);
    // The draw is rich enough to exercise both outcomes.
    expect(matched).toBeGreaterThan(pairs / 20);
    expect(matched).toBeLessThan(pairs / 2);
  });

  it('throws exactly when JSON.parse throws, and otherwise agrees, on thousands of corrupted events', () => {
    const rules = new RuleSet();
    while (rules.size < RULES) {
      const p = pattern();
      if (check(p) === undefined) rules.add(`r${rules.size}`, p);
    }
    let invalid = 0;
    for (let e = 0; e < 4000; e++) {
      const text = corrupt(objectText(0));
      let expected: string[] | 'SyntaxError';
      try {
        expected = rules.matches(JSON.parse(text));
      } catch (error) {
        expect(error).toBeInstanceOf(SyntaxError);
        expected = 'SyntaxError';
        invalid++;
      }
      let actual: string[] | 'SyntaxError';
      try {
        actual = rules.matchesJson(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SyntaxError);
        actual = 'SyntaxError';
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        expect({ text, actual }).toEqual({ text, actual: expected });
      }
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});
