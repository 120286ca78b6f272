/**
 * Reading one match expression of a field's value list — the object in `{"prefix": "a"}`, `{"numeric": [">", 0]}`,
 * `{"anything-but": {"equals-ignore-case": […]}}`, … — token by token from the pattern's reader, with AWS's reason
 * text for each problem, into its compiled {@link ValueSpec}.
 */
import { type JsonReader, Token } from './json-reader';
import { barf } from './pattern-fault';
import { type IpRange, type NumericRange, parseCidr, parseWildcard, type ValueSpec } from './values';

function tooManyElements(): never {
  barf('Too many elements in numeric expression');
}

function expectEndObject(p: JsonReader): void {
  if (p.next() !== Token.END_OBJECT) barf('Only one key allowed in match expression');
}

/** Reads the match expression (`{"prefix": …}`, `{"numeric": […]}`, …) whose `{` was just read. */
export function readMatchExpression(p: JsonReader): ValueSpec {
  if (p.next() !== Token.FIELD_NAME) barf('Match expression name not found');
  const type = p.text;
  switch (type) {
    case 'exactly': {
      if (p.next() !== Token.VALUE_STRING) barf('exact match pattern must be a string');
      const spec: ValueSpec = { kind: 'string', value: p.text };
      expectEndObject(p);
      return spec;
    }
    case 'prefix':
    case 'suffix': {
      const token = p.next();
      if (token === Token.START_OBJECT) return affixIgnoreCase(p, type);
      if (token !== Token.VALUE_STRING) barf(`${type} match pattern must be a string`);
      const spec: ValueSpec = { kind: type, value: p.text, ignoreCase: false };
      expectEndObject(p);
      return spec;
    }
    case 'numeric': {
      if (p.next() !== Token.START_ARRAY) barf('Value of numeric must be an array.');
      const range = numeric(p);
      if (p.next() !== Token.END_OBJECT) tooManyElements();
      return range.low === range.high && !range.lowOpen && !range.highOpen
        ? { kind: 'number', value: range.low }
        : { kind: 'numeric', range };
    }
    case 'anything-but':
      return anythingBut(p);
    case 'exists': {
      const token = p.next();
      if (token !== Token.VALUE_TRUE && token !== Token.VALUE_FALSE) {
        barf('exists match pattern must be either true or false.');
      }
      expectEndObject(p);
      return { kind: 'exists', value: token === Token.VALUE_TRUE };
    }
    case 'cidr': {
      if (p.next() !== Token.VALUE_STRING) barf('prefix match pattern must be a string');
      const range = cidr(p.text);
      expectEndObject(p);
      return { kind: 'cidr', range };
    }
    case 'equals-ignore-case': {
      if (p.next() !== Token.VALUE_STRING) barf('equals-ignore-case match pattern must be a string');
      const spec: ValueSpec = { kind: 'equals-ignore-case', value: p.text };
      expectEndObject(p);
      return spec;
    }
    case 'wildcard': {
      if (p.next() !== Token.VALUE_STRING) barf('wildcard match pattern must be a string');
      const spec: ValueSpec = { kind: 'wildcard', value: p.text, segments: wildcard(p.text) };
      expectEndObject(p);
      return spec;
    }
    default:
      barf(`Unrecognized match type ${type}`);
  }
}

function affixIgnoreCase(p: JsonReader, type: 'prefix' | 'suffix'): ValueSpec {
  const label = type === 'prefix' ? 'Prefix' : 'Suffix';
  if (p.next() !== Token.FIELD_NAME) barf(`${label} expression name not found`);
  if (p.text !== 'equals-ignore-case') barf(`Unsupported ${type} pattern: ${p.text}`);
  if (p.next() !== Token.VALUE_STRING) barf('equals-ignore-case match pattern must be a string');
  const spec: ValueSpec = { kind: type, value: p.text, ignoreCase: true };
  expectEndObject(p);
  expectEndObject(p);
  return spec;
}

function anythingBut(p: JsonReader): ValueSpec {
  let kind:
    | 'anything-but'
    | 'anything-but-ignore-case'
    | 'anything-but-prefix'
    | 'anything-but-suffix'
    | 'anything-but-wildcard' = 'anything-but';
  let token = p.next();
  if (token === Token.START_OBJECT) {
    if (p.next() !== Token.FIELD_NAME) barf('Anything-But expression name not found');
    switch (p.text) {
      case 'equals-ignore-case':
        kind = 'anything-but-ignore-case';
        break;
      case 'prefix':
        kind = 'anything-but-prefix';
        break;
      case 'suffix':
        kind = 'anything-but-suffix';
        break;
      case 'wildcard':
        kind = 'anything-but-wildcard';
        break;
      default:
        barf(`Unsupported anything-but pattern: ${p.text}`);
    }
    token = p.next();
  }
  if (token !== Token.START_ARRAY && token !== Token.VALUE_STRING && token !== Token.VALUE_NUMBER) {
    barf('Value of anything-but must be an array or single string/number value.');
  }
  let spec: ValueSpec;
  if (kind === 'anything-but') {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    if (token === Token.START_ARRAY) {
      for (let t = p.next(); t !== Token.END_ARRAY; t = p.next()) {
        if (t === Token.VALUE_STRING) strings.add(p.text);
        else if (t === Token.VALUE_NUMBER) numbers.add(comparable(p.number, p.text));
        else barf('Inside anything but list, start|null|boolean is not supported.');
      }
      if (strings.size > 0 === numbers.size > 0) {
        barf('Inside anything but list, either all values are number or string, mixed type is not supported');
      }
    } else if (token === Token.VALUE_STRING) {
      strings.add(p.text);
    } else {
      numbers.add(comparable(p.number, p.text));
    }
    spec = { kind, strings, numbers };
  } else {
    const values: string[] = [];
    const take = (t: Token): void => {
      if (t !== Token.VALUE_STRING) {
        if (kind === 'anything-but-ignore-case') {
          barf('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        }
        barf(
          kind === 'anything-but-wildcard'
            ? 'wildcard match pattern must be a string'
            : 'prefix/suffix match pattern must be a string',
        );
      }
      if ((kind === 'anything-but-prefix' || kind === 'anything-but-suffix') && p.text === '') {
        barf('Null prefix/suffix not allowed');
      }
      values.push(p.text);
    };
    if (token === Token.START_ARRAY) {
      for (let t = p.next(); t !== Token.END_ARRAY; t = p.next()) take(t);
    } else {
      take(token);
    }
    spec =
      kind === 'anything-but-wildcard'
        ? { kind, values, segments: values.map((v) => wildcard(v)) }
        : { kind, values };
  }
  if (p.next() !== Token.END_OBJECT) tooManyElements();
  if (kind !== 'anything-but' && p.next() !== Token.END_OBJECT) tooManyElements();
  return spec;
}

function numeric(p: JsonReader): NumericRange {
  if (p.next() !== Token.VALUE_STRING) barf(`Invalid member in numeric match: ${p.text}`);
  const operator = p.text;
  let token = p.next();
  const value = (name: string): number => {
    if (token !== Token.VALUE_NUMBER) barf(`Value of ${name} must be numeric`);
    return comparable(p.number, p.text);
  };
  switch (operator) {
    case '=': {
      const v = value('equals');
      if (p.next() !== Token.END_ARRAY) tooManyElements();
      return { low: v, lowOpen: false, high: v, highOpen: false };
    }
    case '>=':
    case '>': {
      const low = value(operator);
      token = p.next();
      if (token === Token.END_ARRAY) {
        return { low, lowOpen: operator === '>', high: Number.POSITIVE_INFINITY, highOpen: true };
      }
      if (token !== Token.VALUE_STRING) barf(`Bad value in numeric range: ${p.text}`);
      const top = p.text;
      if (top !== '<' && top !== '<=') barf(`Bad numeric range operator: ${top}`);
      token = p.next();
      const high = value(top);
      if (p.next() !== Token.END_ARRAY) barf('Too many terms in numeric range expression');
      if (!(low < high)) barf('Bottom must be less than top');
      return { low, lowOpen: operator === '>', high, highOpen: top === '<' };
    }
    case '<=':
    case '<': {
      const high = value(operator);
      if (p.next() !== Token.END_ARRAY) tooManyElements();
      return { low: Number.NEGATIVE_INFINITY, lowOpen: true, high, highOpen: operator === '<' };
    }
    default:
      barf(`Unrecognized numeric range operator: ${operator}`);
  }
}

/**
 * A number operand of `numeric` or `anything-but`, as event-ruler's `ComparableNumber` takes it: the decimal value of
 * the text must equal that of the finite double it rounds to, in the double's shortest form (`0.1`, `1e2`,
 * `-122.42916360922355`, `5e-324`), else `Cannot compare number : …` (`1e400`, `0.30000000000000001`,
 * `123456789012345678`). event-ruler compares with Java's `Double.toString`, which on JDK 17 is not always the
 * shortest form; this is where the two differ (SEMANTICS.md §11).
 */
function comparable(value: number, text: string): number {
  if (!Number.isFinite(value) || decimalKey(text) !== decimalKey(String(value))) {
    barf(`Cannot compare number : ${text}`);
  }
  return value;
}

/** A canonical form of a decimal number's exact value: `[-]digits e exponent` for 0.digits × 10^exponent. */
function decimalKey(text: string): string {
  let rest = text;
  const negative = rest.startsWith('-');
  if (negative || rest.startsWith('+')) rest = rest.slice(1);
  let exponent = 0;
  const e = rest.search(/[eE]/);
  if (e >= 0) {
    exponent = Number(rest.slice(e + 1));
    rest = rest.slice(0, e);
  }
  const dot = rest.indexOf('.');
  const digits = dot >= 0 ? rest.slice(0, dot) + rest.slice(dot + 1) : rest;
  exponent += dot >= 0 ? dot : rest.length;
  let start = 0;
  while (start < digits.length && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === '0') end--;
  if (start === end) return '0';
  return `${negative ? '-' : ''}${digits.slice(start, end)}e${exponent - start}`;
}

function cidr(text: string): IpRange {
  try {
    return parseCidr(text);
  } catch (reason) {
    if (typeof reason === 'string') barf(reason);
    throw reason;
  }
}

function wildcard(text: string): string[] {
  try {
    return parseWildcard(text);
  } catch (reason) {
    if (typeof reason === 'string') barf(reason);
    throw reason;
  }
}
