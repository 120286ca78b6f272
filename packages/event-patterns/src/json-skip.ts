/**
 * Checking and skipping JSON values without decoding them. The parts of an event's text that no rule names are
 * never built into strings, numbers or objects, but they must still be well-formed: the text path throws exactly when
 * `JSON.parse` would.
 *
 * Containers are skipped in two tiers:
 * - {@link SHALLOW_VALUE}, a regular expression for one JSON value nested at most {@link SHALLOW_DEPTH} containers
 *   deep, applied at the container's first character. V8 compiles it to machine code: a CityLots event (~770 bytes,
 *   mostly the coordinates of its `geometry`) is checked about 1.5× as fast as by the character loop alone. Each
 *   level doubles the expression's source, and past about 20 KB of source V8 runs an expression in its bytecode
 *   interpreter instead, several times slower (measured): depth 5 is 16 KB.
 * - {@link skipContainer}, a character loop for what the expression does not match (nested deeper, or malformed),
 *   which tries the expression again on every container it meets inside.
 * Either way the grammar checked is JSON's (RFC 8259), so the expression only decides how fast a value is skipped,
 * never whether it is accepted.
 *
 * Every function takes the text and an index and returns the index just past what it read; anything that is not
 * JSON throws {@link DECLINE}.
 */

/** Thrown when the text is not JSON (or cannot be read here with certainty); the caller hands it to `JSON.parse`. */
export const DECLINE: unique symbol = Symbol('decline');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;

// ---------------------------------------------------------------------------------------------------------------
// The expression

const WS = String.raw`[ \t\n\r]*`;
const STRING = String.raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"`;
const NUMBER = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
const SCALAR = `(?:${STRING}|${NUMBER}|true|false|null)`;

/** Deepest nesting of containers {@link SHALLOW_VALUE} matches. */
export const SHALLOW_DEPTH = 5;

/**
 * A JSON value with containers nested at most `depth` deep. Each container names its element pattern once (so the
 * source doubles, not quadruples, with each level): an element follows either a comma or, for the first one only,
 * the opening bracket (a lookbehind), and a container may not start with a comma. Every alternative is decided by its
 * first character and separators are mandatory, so a failing match only backtracks through the characters it read:
 * it costs about as much as a match would have. Strings are written as runs of plain characters between escapes, which V8
 * scans as one character-class loop.
 */
function valuePattern(depth: number): string {
  if (depth === 0) return SCALAR;
  const element = valuePattern(depth - 1);
  const array = String.raw`\[${WS}(?!,)(?:(?:,${WS}|(?<=\[${WS}))${element}${WS})*\]`;
  const object = String.raw`\{${WS}(?!,)(?:(?:,${WS}|(?<=\{${WS}))${STRING}${WS}:${WS}${element}${WS})*\}`;
  return `(?:${array}|${object}|${SCALAR})`;
}

const SHALLOW_VALUE = new RegExp(valuePattern(SHALLOW_DEPTH), 'y');

/** The end of the shallow value starting at `i`, or -1 when {@link SHALLOW_VALUE} does not match there. */
function shallowEnd(s: string, i: number): number {
  SHALLOW_VALUE.lastIndex = i;
  try {
    return SHALLOW_VALUE.test(s) ? SHALLOW_VALUE.lastIndex : -1;
  } catch (error) {
    // A container of millions of elements exhausts the expression's backtracking stack.
    if (error instanceof RangeError) return -1;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Characters that may follow a backslash in a JSON string: `"` `\` `/` `b` `f` `n` `r` `t` (`u` is handled apart). */
function isSimpleEscape(c: number): boolean {
  return (
    c === QUOTE ||
    c === BACKSLASH ||
    c === 0x2f ||
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74
  );
}

/** The index of the quote closing the string whose content continues at `i`; checks its escapes. */
export function stringEnd(s: string, i: number): number {
  const n = s.length;
  for (;;) {
    if (i >= n) throw DECLINE;
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      const e = s.charCodeAt(i + 1);
      if (e === 0x75) {
        if (!(isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3)))) throw DECLINE;
        if (!(isHex(s.charCodeAt(i + 4)) && isHex(s.charCodeAt(i + 5)))) throw DECLINE;
        i += 6;
      } else if (isSimpleEscape(e)) {
        i += 2;
      } else {
        throw DECLINE;
      }
    } else if (c < 0x20) {
      throw DECLINE;
    } else {
      i++;
    }
  }
}

/** The index just past the string whose opening quote is at `open`; plain strings are scanned inline. */
export function skipString(s: string, open: number): number {
  let j = open + 1;
  let c = s.charCodeAt(j);
  while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) c = s.charCodeAt(++j);
  return c === QUOTE ? j + 1 : stringEnd(s, j) + 1;
}

/** The index just past the number starting at `i`; checks JSON's number grammar. */
export function numberEnd(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c === MINUS) c = s.charCodeAt(++i);
  if (c === ZERO) {
    c = s.charCodeAt(++i);
  } else if (c > ZERO && c <= NINE) {
    do c = s.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  } else {
    throw DECLINE;
  }
  if (c === DOT) {
    c = s.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) throw DECLINE;
    do c = s.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  }
  if (c === 0x65 || c === 0x45) {
    c = s.charCodeAt(++i);
    if (c === 0x2b || c === MINUS) c = s.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) throw DECLINE;
    do c = s.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  }
  return i;
}

/** The index just past `true`, `false` or `null` at `i`, whose first character is `c`. */
export function literalEnd(s: string, i: number, c: number): number {
  if (c === 0x74 && s.startsWith('true', i)) return i + 4;
  if (c === 0x66 && s.startsWith('false', i)) return i + 5;
  if (c === 0x6e && s.startsWith('null', i)) return i + 4;
  throw DECLINE;
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** The index just past the value starting at `i` with character `c` (white space before it skipped). */
export function skipValue(s: string, i: number, c: number): number {
  if (c === QUOTE) return skipString(s, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    const end = shallowEnd(s, i);
    return end >= 0 ? end : skipContainer(s, i + 1, c === OPEN_OBJECT);
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) return numberEnd(s, i);
  return literalEnd(s, i, c);
}

/** Scratch for {@link skipContainer}: whether each open container is an object. */
const kinds: boolean[] = [];

/**
 * The index just past the object (or array) whose opening bracket is just before `i`, nested containers included,
 * in one loop: {@link kinds} stacks whether each open container is an object.
 */
export function skipContainer(s: string, i: number, isObject: boolean): number {
  const n = s.length;
  let depth = 0;
  kinds[0] = isObject;
  let c: number;
  let first = true;
  for (;;) {
    // At the start of a member or element (or at the close of an empty container).
    c = s.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
    if (first && c === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
      i++;
      if (depth === 0) return i;
      isObject = kinds[--depth];
    } else {
      if (isObject) {
        if (c !== QUOTE) throw DECLINE;
        i = skipString(s, i);
        c = s.charCodeAt(i);
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
        if (c !== COLON) throw DECLINE;
        c = s.charCodeAt(++i);
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
      }
      if (c === QUOTE) {
        i = skipString(s, i);
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        const end = shallowEnd(s, i);
        if (end >= 0) {
          i = end;
        } else {
          isObject = c === OPEN_OBJECT;
          kinds[++depth] = isObject;
          first = true;
          i++;
          continue;
        }
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = numberEnd(s, i);
      } else {
        i = literalEnd(s, i, c);
      }
    }
    // After a value (or a closed container): a comma, or the close of the container.
    for (;;) {
      if (i >= n) throw DECLINE;
      c = s.charCodeAt(i);
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
      if (c === COMMA) {
        i++;
        first = false;
        break;
      }
      if (c !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) throw DECLINE;
      i++;
      if (depth === 0) return i;
      isObject = kinds[--depth];
    }
  }
}
