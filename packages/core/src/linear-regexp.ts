/**
 * Regular expressions from schemas (`pattern`, `patternProperties`) run on RE2JS, a pure-JavaScript port of RE2
 * whose matching time is linear in the input: a pattern such as `^(a+)+$` cannot hold the event loop, whatever
 * the input. Patterns RE2 cannot run in linear time (back-references, look-around) do not compile, and are
 * refused when a schema is created.
 */
import { RE2JS } from 're2js';

/** What ajv needs of a compiled pattern. */
export interface LinearRegExp {
  test(value: string): boolean;
  toString(): string;
}

/**
 * Rewrites the JavaScript escapes RE2 spells differently: `\uXXXX` and `\u{X…}` become `\x{…}`. Every other
 * escape is passed through (RE2 reads `\d`, `\w`, `\s`, `\b`, `\p{…}`, `\.` and friends as JavaScript does).
 */
function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = pattern[i + 1] ?? '';
    const fixed = /^u([0-9a-fA-F]{4})/.exec(pattern.slice(i + 1, i + 6));
    const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(pattern.slice(i + 1, i + 10));
    if (fixed?.[1] !== undefined) {
      out += `\\x{${fixed[1]}}`;
      i += 5;
    } else if (braced?.[1] !== undefined) {
      out += `\\x{${braced[1]}}`;
      i += braced[0].length;
    } else {
      out += `\\${next}`;
      i += 1;
    }
  }
  return out;
}

const compiled = new Map<string, LinearRegExp>();
const MAX_CACHED = 1000;

/**
 * Compiles a schema pattern (ECMA-262 syntax, unanchored, as JSON Schema reads it) for linear-time matching.
 * Throws `SyntaxError` naming the unsupported construct.
 */
export function compileLinearRegExp(pattern: string): LinearRegExp {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(toRe2Syntax(pattern));
  } catch (error) {
    const detail =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new SyntaxError(detail);
  }
  const regExp: LinearRegExp = {
    test: (value) => re.test(value),
    // ajv caches compiled patterns by this text: it must differ per pattern.
    toString: () => `/${pattern}/u`,
  };
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, regExp);
  return regExp;
}

/** Why `pattern` cannot be used, or `undefined` when it compiles for linear-time matching. */
export function linearRegExpProblem(pattern: string): string | undefined {
  try {
    compileLinearRegExp(pattern);
    return undefined;
  } catch (error) {
    return `is not a regular expression the linear-time engine runs (${(error as Error).message}); back-references and look-around are not supported`;
  }
}

/** Whether `value` matches `pattern` (false when the pattern does not compile). */
export function linearTest(pattern: string, value: string): boolean {
  try {
    return compileLinearRegExp(pattern).test(value);
  } catch {
    return false;
  }
}

/** ajv's `code.regExp` engine. */
export const linearRegExpEngine = Object.assign(
  (pattern: string, _flags: string): LinearRegExp => compileLinearRegExp(pattern),
  { code: 'require("re2js").RE2JS.compile' },
);
