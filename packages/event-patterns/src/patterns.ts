/**
 * The public entry points: validation (`check`), single-pattern matching (`compile`), rule sets (`RuleSet`) and
 * TestEventPattern's semantics (`testEventPattern`).
 */
import { type CompiledRule, compileRule, type PatternOptions } from './compiler';
import { InvalidEventError, InvalidEventPatternError } from './errors';
import { Machine } from './machine';
import { PatternFault } from './pattern-fault';

export type { PatternOptions } from './compiler';

/** A validated pattern, ready to match events. */
export interface CompiledPattern {
  /** The pattern as parsed JSON. */
  readonly source: object;
  /** Whether the event (a parsed JSON object) matches the pattern. */
  matches(event: unknown): boolean;
  /** Whether the event given as JSON text matches; throws `SyntaxError` for text that is not JSON. */
  matchesJson(text: string): boolean;
}

function compileOrThrow(pattern: string | object, options?: PatternOptions): CompiledRule {
  try {
    return compileRule(pattern, options);
  } catch (error) {
    if (error instanceof PatternFault) throw new InvalidEventPatternError(error.reason, { cause: error });
    throw error;
  }
}

/**
 * Validates a pattern the way EventBridge does. Returns AWS's reason text (what follows
 * `Event pattern is not valid. Reason: `) or `undefined` when the pattern is valid. A pattern EventBridge would
 * refuse never throws; anything else thrown while compiling (a fault of the compiler, not of the pattern) is
 * rethrown, so that it is reported as the internal error it is.
 */
export function check(pattern: string | object, options?: PatternOptions): string | undefined {
  try {
    compileRule(pattern, options);
    return undefined;
  } catch (error) {
    if (error instanceof PatternFault) return error.reason;
    throw error;
  }
}

/** Compiles a pattern; throws {@link InvalidEventPatternError} when EventBridge would reject it. */
export function compile(pattern: string | object, options?: PatternOptions): CompiledPattern {
  const rule = compileOrThrow(pattern, options);
  const machine = new Machine();
  machine.add('', rule.subRules);
  return {
    source: rule.source,
    matches: (event: unknown): boolean => machine.match(event).length > 0,
    matchesJson: (text: string): boolean => machine.matchText(text).length > 0,
  };
}

/** How many removed sub-rules may linger as unreachable states before the automaton is rebuilt. */
const REBUILD_THRESHOLD = 1000;

/**
 * A set of named rules compiled into one automaton: `matches(event)` costs about the same with 10 rules or 10,000.
 */
export class RuleSet {
  private machine = new Machine();
  private readonly rules = new Map<string, CompiledRule>();
  private stale = 0;

  constructor(private readonly options?: PatternOptions) {}

  /** Number of rules in the set. */
  get size(): number {
    return this.rules.size;
  }

  /** Adds a rule, replacing any rule of the same name. Throws {@link InvalidEventPatternError} for a bad pattern. */
  add(name: string, pattern: string | object): void {
    const rule = compileOrThrow(pattern, this.options);
    this.remove(name);
    this.rules.set(name, rule);
    this.machine.add(name, rule.subRules);
  }

  /** Removes a rule; returns whether it was there. */
  remove(name: string): boolean {
    const rule = this.rules.get(name);
    if (rule === undefined) return false;
    this.rules.delete(name);
    this.machine.remove(name);
    this.stale += rule.subRules.length;
    if (this.stale > REBUILD_THRESHOLD && this.stale > this.rules.size) this.rebuild();
    return true;
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }

  /** Names of the rules the event matches, each once, in the order they were added. */
  matches(event: unknown): string[] {
    return this.machine.match(event);
  }

  /**
   * The same as `matches(JSON.parse(text))`, without building the event: only the parts of the text that some rule
   * names are decoded, the rest is checked and skipped. Throws `JSON.parse`'s `SyntaxError` for text that is not JSON.
   */
  matchesJson(text: string): string[] {
    return this.machine.matchText(text);
  }

  private rebuild(): void {
    this.machine = new Machine();
    for (const [name, rule] of this.rules) this.machine.add(name, rule.subRules);
    this.stale = 0;
  }
}

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * TestEventPattern: whether the event matches the pattern. Throws {@link InvalidEventError} when the event is not a
 * JSON object with `id`, `account`, `source`, `time`, `region` and `detail-type`, and
 * {@link InvalidEventPatternError} when the pattern is invalid.
 */
export function testEventPattern(event: string | object, pattern: string | object): boolean {
  let parsed: unknown = event;
  if (typeof event === 'string') {
    try {
      parsed = JSON.parse(event);
    } catch (error) {
      throw new InvalidEventError({ cause: error });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidEventError();
  for (const field of REQUIRED_EVENT_FIELDS) {
    if (!Object.hasOwn(parsed, field)) throw new InvalidEventError();
  }
  return compile(pattern).matches(parsed);
}

/**
 * Every field path the (valid) pattern tests, `$or` branches expanded, each split into its keys
 * (a dot-joined key such as `"state.status"` names the nested path `state` → `status`, as on EventBridge).
 * Throws {@link InvalidEventPatternError} for an invalid pattern.
 */
export function patternFieldPaths(pattern: string | object, options?: PatternOptions): string[][] {
  const rule = compileOrThrow(pattern, options);
  const seen = new Set<string>();
  const paths: string[][] = [];
  for (const subRule of rule.subRules) {
    for (const path of subRule.keys()) {
      if (!seen.has(path)) {
        seen.add(path);
        paths.push(path.split('.'));
      }
    }
  }
  return paths;
}
