/**
 * Pattern compiler: reads a pattern token by token (as EventBridge does, so the first problem in document order is
 * the one reported, with AWS's reason text) and produces its sub-rules — one per combination of `$or` branches,
 * each a map from a dot-joined field path to the list of match expressions OR-ed for that field.
 */
import { JsonReadError, JsonReader, Token } from './json-reader';
import {
  type IpRange,
  ipToHex,
  looksLikeIp,
  type NumericRange,
  parseCidr,
  parseWildcard,
  type ValueSpec,
  wildcardComplexity,
} from './values';

/** Default limit on a pattern's length, in characters (the EventBridge quota). */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;
/** Most sub-rules the `$or` branches of one pattern may multiply out to. */
export const MAX_OR_COMBINATIONS = 1000;
/** Most wildcard automaton states one field of a rule may keep alive for a single value. */
export const MAX_WILDCARD_COMPLEXITY = 12;

export type SubRule = Map<string, ValueSpec[]>;

export interface CompiledRule {
  readonly source: object;
  readonly subRules: readonly SubRule[];
}

export interface PatternOptions {
  /** Longest pattern accepted, in characters. @default 2048 */
  readonly maxLength?: number;
}

/** A pattern problem; `reason` is AWS's text. */
export class PatternFault extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PatternFault';
  }
}

const OR = '$or';
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function barf(reason: string): never {
  throw new PatternFault(reason);
}

function tooManyElements(): never {
  barf('Too many elements in numeric expression');
}

/** Serializes a pattern given as an object the way a client would send it. */
export function patternText(pattern: string | object): string | undefined {
  if (typeof pattern === 'string') return pattern;
  try {
    return JSON.stringify(pattern);
  } catch {
    return undefined;
  }
}

export function compileRule(pattern: string | object, options?: PatternOptions): CompiledRule {
  const text = patternText(pattern);
  if (text === undefined) barf('Filter is not an object');
  const maxLength = options?.maxLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  if (text.length > maxLength) {
    barf(`Event pattern is too long: ${text.length} characters, the maximum is ${maxLength}`);
  }
  const reader = new JsonReader(text);
  try {
    return new Compiler(reader).compile();
  } catch (error) {
    if (error instanceof JsonReadError) throw new PatternFault(error.reason);
    throw error;
  }
}

class Compiler {
  constructor(private readonly p: JsonReader) {}

  compile(): CompiledRule {
    if (this.p.next() !== Token.START_OBJECT) {
      throw this.p.errorHere('Filter is not an object');
    }
    const rules: SubRule[] = [];
    this.parseObject(rules, [], false);
    checkWildcardComplexity(rules);
    return { source: this.sourceObject(), subRules: rules };
  }

  private sourceObject(): object {
    const text = this.p.consumed();
    try {
      return JSON.parse(text) as object;
    } catch {
      return {};
    }
  }

  private parseObject(rules: SubRule[], path: string[], insideOr: boolean): void {
    const p = this.p;
    let fieldsPresent = false;
    for (let token = p.next(); token !== Token.END_OBJECT; token = p.next()) {
      fieldsPresent = true;
      const stepName = p.text;
      if (stepName === OR) {
        this.parseOr(rules, path);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(stepName)) {
        barf(`${stepName} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      }
      switch (p.next()) {
        case Token.START_OBJECT:
          path.push(stepName);
          this.parseObject(rules, path, insideOr);
          path.pop();
          break;
        case Token.START_ARRAY:
          this.writeRules(rules, [...path, stepName].join('.'));
          break;
        default:
          barf(`"${stepName}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) barf('Empty objects are not allowed');
  }

  private parseOr(rules: SubRule[], path: string[]): void {
    const p = this.p;
    const current = rules.map((r) => new Map(r));
    rules.length = 0;
    if (p.next() !== Token.START_ARRAY) barf(`It must be an Array followed with ${OR}.`);
    let count = 0;
    for (let token = p.next(); token !== Token.END_ARRAY; token = p.next()) {
      count++;
      if (token !== Token.START_OBJECT) barf(`Only JSON object is allowed in array of ${OR} relationship.`);
      const forked = current.length > 0 ? current.map((r) => new Map(r)) : [new Map()];
      this.parseObject(forked, path, true);
      rules.push(...forked);
      if (rules.length > MAX_OR_COMBINATIONS) {
        barf(`The pattern has more than ${MAX_OR_COMBINATIONS} combinations of ${OR} branches`);
      }
    }
    if (count < 2) barf(`There must have at least 2 Objects in ${OR} relationship.`);
  }

  private writeRules(rules: SubRule[], name: string): void {
    const p = this.p;
    const values: ValueSpec[] = [];
    for (let token = p.next(); token !== Token.END_ARRAY; token = p.next()) {
      switch (token) {
        case Token.START_OBJECT:
          values.push(this.matchExpression());
          break;
        case Token.VALUE_STRING:
          values.push(stringSpec(p.text));
          break;
        case Token.VALUE_NUMBER:
          values.push({ kind: 'number', value: p.number });
          break;
        case Token.VALUE_TRUE:
          values.push({ kind: 'literal', value: true });
          break;
        case Token.VALUE_FALSE:
          values.push({ kind: 'literal', value: false });
          break;
        case Token.VALUE_NULL:
          values.push({ kind: 'literal', value: null });
          break;
        default:
          barf('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) barf('Empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) {
      // A field named twice keeps its last value list (EventBridge's "last one wins").
      rule.delete(name);
      rule.set(name, values);
    }
  }

  private expectEndObject(): void {
    if (this.p.next() !== Token.END_OBJECT) barf('Only one key allowed in match expression');
  }

  private matchExpression(): ValueSpec {
    const p = this.p;
    if (p.next() !== Token.FIELD_NAME) barf('Match expression name not found');
    const type = p.text;
    switch (type) {
      case 'exactly': {
        if (p.next() !== Token.VALUE_STRING) barf('exact match pattern must be a string');
        const spec: ValueSpec = { kind: 'string', value: p.text };
        this.expectEndObject();
        return spec;
      }
      case 'prefix':
      case 'suffix': {
        const token = p.next();
        if (token === Token.START_OBJECT) return this.affixIgnoreCase(type);
        if (token !== Token.VALUE_STRING) barf(`${type} match pattern must be a string`);
        const spec: ValueSpec = { kind: type, value: p.text, ignoreCase: false };
        this.expectEndObject();
        return spec;
      }
      case 'numeric': {
        if (p.next() !== Token.START_ARRAY) barf('Value of numeric must be an array.');
        const range = this.numeric();
        if (p.next() !== Token.END_OBJECT) tooManyElements();
        return range.low === range.high && !range.lowOpen && !range.highOpen
          ? { kind: 'number', value: range.low }
          : { kind: 'numeric', range };
      }
      case 'anything-but':
        return this.anythingBut();
      case 'exists': {
        const token = p.next();
        if (token !== Token.VALUE_TRUE && token !== Token.VALUE_FALSE) {
          barf('exists match pattern must be either true or false.');
        }
        this.expectEndObject();
        return { kind: 'exists', value: token === Token.VALUE_TRUE };
      }
      case 'cidr': {
        if (p.next() !== Token.VALUE_STRING) barf('prefix match pattern must be a string');
        const range = cidr(p.text);
        this.expectEndObject();
        return { kind: 'cidr', range };
      }
      case 'equals-ignore-case': {
        if (p.next() !== Token.VALUE_STRING) barf('equals-ignore-case match pattern must be a string');
        const spec: ValueSpec = { kind: 'equals-ignore-case', value: p.text };
        this.expectEndObject();
        return spec;
      }
      case 'wildcard': {
        if (p.next() !== Token.VALUE_STRING) barf('wildcard match pattern must be a string');
        const spec: ValueSpec = { kind: 'wildcard', value: p.text, segments: wildcard(p.text) };
        this.expectEndObject();
        return spec;
      }
      default:
        barf(`Unrecognized match type ${type}`);
    }
  }

  private affixIgnoreCase(type: 'prefix' | 'suffix'): ValueSpec {
    const p = this.p;
    const label = type === 'prefix' ? 'Prefix' : 'Suffix';
    if (p.next() !== Token.FIELD_NAME) barf(`${label} expression name not found`);
    if (p.text !== 'equals-ignore-case') barf(`Unsupported ${type} pattern: ${p.text}`);
    if (p.next() !== Token.VALUE_STRING) barf('equals-ignore-case match pattern must be a string');
    const spec: ValueSpec = { kind: type, value: p.text, ignoreCase: true };
    this.expectEndObject();
    this.expectEndObject();
    return spec;
  }

  private anythingBut(): ValueSpec {
    const p = this.p;
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
          barf(
            'Inside anything but list, either all values are number or string, mixed type is not supported',
          );
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

  private numeric(): NumericRange {
    const p = this.p;
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
}

/**
 * A number operand of `numeric` or `anything-but`, as event-ruler's `ComparableNumber` takes it: the decimal text must
 * be exactly the value of a finite double (`0.1`, `1e2`, `-122.42916360922355`), else `Cannot compare number : …`
 * (`1e400`, `0.30000000000000001`, `123456789012345678`).
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

function stringSpec(text: string): ValueSpec {
  if (looksLikeIp(text)) {
    const hex = ipToHex(text);
    if (hex !== undefined) return { kind: 'ip', hex };
  }
  return { kind: 'string', value: text };
}

function checkWildcardComplexity(rules: readonly SubRule[]): void {
  for (const rule of rules) {
    for (const specs of rule.values()) {
      let total = 0;
      for (const spec of specs) {
        if (spec.kind === 'wildcard') {
          total += wildcardComplexity(spec.segments, MAX_WILDCARD_COMPLEXITY + 1);
          if (total > MAX_WILDCARD_COMPLEXITY) {
            barf(
              'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
            );
          }
        }
      }
    }
  }
}
