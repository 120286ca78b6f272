import { DECLINE, SHALLOW_DEPTH, skipValue } from '../src/json-skip';
import { prng } from './support/citylots-events';

/**
 * The skipper accepts exactly what JSON.parse accepts: for every text, skipping the value at its start reaches the end
 * of the text when JSON.parse succeeds, and declines otherwise. Both tiers are exercised: values nested up to
 * SHALLOW_DEPTH (matched by the expression) and deeper ones (the character loop, which retries the expression inside).
 */

/** The end `skipValue` reaches from the first character of `text` that is not white space, or 'declined'. */
function skip(text: string): number | 'declined' {
  const start = text.length - text.trimStart().length;
  try {
    return skipValue(text, start, text.charCodeAt(start));
  } catch (error) {
    if (error === DECLINE) return 'declined';
    throw error;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const random = prng(20261206);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const SCALARS = [
  '"plain"',
  '""',
  '"a\\"b"',
  '"\\\\"',
  '"\\u00e9\\n\\t\\/"',
  '"é€😀"',
  '"\ud800"',
  '0',
  '-0',
  '12',
  '-122.46628602446302',
  '1e2',
  '1E-2',
  '2.5e+10',
  'true',
  'false',
  'null',
];

function ws(): string {
  return random() < 0.25 ? pick([' ', '\n', '\t', '\r\n ']) : '';
}

/** A random JSON value nested up to `depth` containers deep. */
function value(depth: number): string {
  if (depth === 0 || random() < 0.3) return pick(SCALARS);
  const n = int(4);
  if (random() < 0.5) {
    return `[${ws()}${Array.from({ length: n }, () => ws() + value(depth - 1) + ws()).join(',')}${ws()}]`;
  }
  const members = Array.from(
    { length: n },
    () => `${ws()}"k${int(3)}"${ws()}:${ws()}${value(depth - 1)}${ws()}`,
  );
  return `{${ws()}${members.join(',')}${ws()}}`;
}

/** How deep the containers of a valid JSON text nest. */
function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '[' || ch === '{') {
      max = Math.max(max, ++depth);
    } else if (ch === ']' || ch === '}') {
      depth--;
    }
  }
  return max;
}

/** A copy of `text` with one character deleted, replaced or inserted. */
function corrupt(text: string): string {
  const at = int(text.length);
  const ch = pick(['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '-', '.', 'e', 'x', 'u', '\u0001']);
  switch (int(3)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + ch + text.slice(at + 1);
    default:
      return text.slice(0, at) + ch + text.slice(at);
  }
}

describe('skipping a JSON value without decoding it', () => {
  it('reaches the end of every valid value, shallow or nested deeper than the expression matches', () => {
    let deep = 0;
    for (let i = 0; i < 3000; i++) {
      const text = value(1 + int(SHALLOW_DEPTH + 4));
      if (!text.startsWith('[') && !text.startsWith('{')) continue;
      expect({ text, end: skip(text) }).toEqual({ text, end: text.length });
      if (maxDepth(text) > SHALLOW_DEPTH) deep++;
    }
    expect(deep).toBeGreaterThan(100);
  });

  it('declines exactly the texts JSON.parse refuses, on thousands of corrupted values', () => {
    let refused = 0;
    let tried = 0;
    while (tried < 6000) {
      const valid = value(1 + int(SHALLOW_DEPTH + 3));
      if (!valid.startsWith('[') && !valid.startsWith('{')) continue;
      tried++;
      const text = corrupt(valid);
      const end = skip(text);
      // Accepted (up to trailing white space) exactly when JSON.parse accepts it; when it stops before the end,
      // what it skipped is a value.
      const all = end !== 'declined' && /^[ \t\n\r]*$/.test(text.slice(end));
      const agrees = all === parses(text) && (end === 'declined' || parses(text.slice(0, end)));
      if (!agrees) expect({ text, end, all }).toEqual({ text, end, all: parses(text) });
      if (!parses(text)) refused++;
    }
    expect(refused).toBeGreaterThan(2000);
  });

  it('declines the malformed containers the expression must not let through', () => {
    for (const text of [
      '[,1]',
      '[ ,1]',
      '[1,]',
      '[1 2]',
      '[1,,2]',
      '{,"a":1}',
      '{ ,"a":1}',
      '{"a":1,}',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '{"a"}',
      '{"a":}',
      '{1:2}',
      '[01]',
      '[1.]',
      '[.5]',
      '[+1]',
      '[-]',
      '[1e]',
      '[tru]',
      '[nul]',
      '["\\x"]',
      '["\\u12"]',
      '["a\u0001"]',
      '["a\nb"]',
      '[[[[[[[1,]]]]]]]',
      '{"a":{"b":{"c":{"d":{"e":{"f":[1 2]}}}}}}',
      '[',
      '[[]',
      '{"a":[}',
    ]) {
      expect({ text, result: skip(text) === text.length }).toEqual({ text, result: false });
      expect(parses(text)).toBe(false);
    }
  });

  it('skips containers of millions of elements, past what the expression can backtrack through', () => {
    const text = `[${'1,'.repeat(3_000_000)}1]`;
    expect(skip(text)).toBe(text.length);
    expect(skip(`${text.slice(0, -1)},]`)).toBe('declined');
  });

  it('stops at the end of the value, leaving what follows to the caller', () => {
    expect(skip('{"a":[1,{"b":null}]} ,"next":1')).toBe(20);
    expect(skip('[[[[[[[[1]]]]]]]],2')).toBe(17);
    expect(skip('"x"1')).toBe(3);
  });
});
