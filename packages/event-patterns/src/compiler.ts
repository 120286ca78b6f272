/**
 * Pattern compiler: reads a pattern token by token (as EventBridge does, so the first problem in document order is
 * the one reported, with AWS's reason text) and produces its sub-rules — one per combination of `$or` branches,
 * each a map from a dot-joined field path to the list of match expressions OR-ed for that field. This module reads
 * the pattern's structure (fields, `$or`, value lists); each match expression (`{"prefix": …}`, …) is read by
 * `match-expressions.ts`.
 */
import { JsonReadError, JsonReader, Token } from './json-reader';
import { readMatchExpression } from './match-expressions';
import { barf, PatternFault } from './pattern-fault';
import { ipToHex, looksLikeIp, type ValueSpec, wildcardComplexity } from './values';

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
          values.push(readMatchExpression(p));
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
