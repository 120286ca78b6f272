/**
 * The matching automaton, in the spirit of aws/event-ruler's `Machine`.
 *
 * Each sub-rule is a conjunction of fields, laid out from the most selective (exact values) to the loosest
 * (`anything-but`, `exists: false`), then by path. Rules are added to a trie of *name states*: from a state,
 * a field path leads to a {@link FieldMatcher} whose value indexes (hash maps for exact values, length-bucketed maps
 * for prefixes and suffixes, sorted arrays for numeric bounds, …) lead to the next state; a state where a sub-rule
 * ends carries the rule. Rules sharing a leading (field, value) step share the state, so an event only visits the
 * states its own values lead to: matching cost depends on the event and on what it matches, not on how many rules
 * are loaded.
 *
 * Events are flattened once per match into (path, value) pairs, visiting only the parts of the event some rule
 * refers to. Values inside arrays of objects remember which element they came from, so that one sub-rule never
 * combines fields from two different elements of the same array (event-ruler's array consistency).
 *
 * The automaton is this module; its parts live beside it: the field matcher (`field-matcher.ts`), the value
 * indexes it uses (`value-indexes.ts`) and flattening (`flattener.ts`).
 */
import type { SubRule } from './compiler';
import type { Membership } from './event-text';
import { FieldMatcher } from './field-matcher';
import { compatible, EventFlattener, merge } from './flattener';
import type { ValueSpec } from './values';

interface RuleRef {
  readonly name: string;
  readonly seq: number;
  stamp: number;
}

/** The (never written) transitions of a state no field path leaves yet. */
const NO_KEYS: number[] = [];
const NO_MATCHERS: FieldMatcher<NameState>[] = [];

class NameState {
  stamp = 0;
  /** Number of field paths leaving this state (kept here so a leaf state is handled without touching arrays). */
  keyCount = 0;
  /**
   * A rule ending only here, copied inline so that reporting it touches nothing but this state
   * (`soloStamp` keeps it from being reported twice for one event).
   */
  solo: RuleRef | null = null;
  soloName = '';
  soloSeq = 0;
  soloStamp = 0;
  /** Other rules ending here (deduplicated through their own stamp, as they may end in several states). */
  terminal: RuleRef | null = null;
  absent: { keyId: number; state: NameState; shared: boolean }[] | null = null;
  terminals: RuleRef[] | null = null;
  /**
   * Field paths leaving this state and their matchers, in parallel (a path may have several matchers). Made with the
   * first matcher: most states are where a rule ends, and a large rule set keeps its states small this way.
   */
  keyIds: number[] = NO_KEYS;
  matchers: FieldMatcher<NameState>[] = NO_MATCHERS;
  byKey: Map<number, FieldMatcher<NameState>[]> | null = null;
  /** The matcher of each path that rules share (a path's other matchers belong to one rule each). */
  private shared: Map<number, FieldMatcher<NameState>> | null = null;

  addTerminal(ref: RuleRef): void {
    if (this.terminal === null) {
      this.terminal = ref;
    } else if (this.terminal !== ref && !this.terminals?.includes(ref)) {
      this.terminals ??= [];
      this.terminals.push(ref);
    }
  }

  setSolo(ref: RuleRef): boolean {
    if (this.solo !== null) return false;
    this.solo = ref;
    this.soloName = ref.name;
    this.soloSeq = ref.seq;
    return true;
  }

  removeTerminal(ref: RuleRef): void {
    if (this.solo === ref) {
      this.solo = null;
      this.soloName = '';
      return;
    }
    const rest = [this.terminal, ...(this.terminals ?? [])].filter(
      (r): r is RuleRef => r !== null && r !== ref,
    );
    this.terminal = rest[0] ?? null;
    this.terminals = rest.length > 1 ? rest.slice(1) : null;
  }

  /** The shared matcher for a path, whose transitions rules reuse. */
  matcher(keyId: number): FieldMatcher<NameState> {
    this.shared ??= new Map();
    let m = this.shared.get(keyId);
    if (m === undefined) {
      m = this.privateMatcher(keyId);
      this.shared.set(keyId, m);
    }
    return m;
  }

  /** A matcher for a path that no other rule will reuse. */
  privateMatcher(keyId: number): FieldMatcher<NameState> {
    const m = new FieldMatcher(newNameState);
    if (this.byKey === null) {
      this.byKey = new Map();
      this.keyIds = [];
      this.matchers = [];
    }
    const list = this.byKey.get(keyId);
    if (list) list.push(m);
    else this.byKey.set(keyId, [m]);
    this.keyIds.push(keyId);
    this.matchers.push(m);
    this.keyCount++;
    return m;
  }

  /** The shared state reached when the path is absent. */
  absentState(keyId: number): NameState {
    const existing = this.absent?.find((a) => a.keyId === keyId && a.shared);
    if (existing) return existing.state;
    const state = new NameState();
    this.addAbsent(keyId, state, true);
    return state;
  }

  addAbsent(keyId: number, state: NameState, shared = false): void {
    this.absent ??= [];
    this.absent.push({ keyId, state, shared });
  }
}

const newNameState = (): NameState => new NameState();

/**
 * How loosely a field's value list filters (the loosest of its expressions). A rule's fields are laid out from the
 * most selective to the loosest, so that, e.g., `anything-but` or `exists: false` conditions are only reached by
 * events that passed the rule's exact values, instead of being evaluated for every rule that has them.
 */
function selectivity(specs: readonly ValueSpec[]): number {
  let rank = 0;
  for (const spec of specs) {
    let r: number;
    switch (spec.kind) {
      case 'string':
      case 'ip':
      case 'number':
      case 'literal':
      case 'equals-ignore-case':
        r = 0;
        break;
      case 'prefix':
      case 'suffix':
        r = 1;
        break;
      case 'numeric':
      case 'cidr':
      case 'wildcard':
        r = 2;
        break;
      case 'exists':
        r = spec.value ? 3 : 5;
        break;
      default:
        r = 4;
    }
    if (r > rank) rank = r;
  }
  return rank;
}

/** Most states one field of a rule may fan out to before its values share a single next state. */
const CROSS_PRODUCT_BUDGET = 256;

export class Machine {
  private start = new NameState();
  private readonly refs = new Map<string, { ref: RuleRef; terminals: NameState[] }>();
  private seq = 0;
  private stamp = 0;
  private readonly event = new EventFlattener();
  private readonly stackStates: NameState[] = [];
  private readonly stackMems: (Membership | null)[] = [];
  private readonly foundNames: string[] = [];
  private readonly foundSeqs: number[] = [];

  add(name: string, subRules: readonly SubRule[]): void {
    const ref: RuleRef = { name, seq: this.seq++, stamp: 0 };
    const terminals: NameState[] = [];
    for (const subRule of subRules) {
      const fields = [...subRule.entries()]
        .map(([path, specs]) => ({ path, specs, rank: selectivity(specs) }))
        .sort((a, b) => a.rank - b.rank || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .map(({ path, specs }): [string, ValueSpec[]] => [path, specs]);
      let states: NameState[] = [this.start];
      for (const [path, specs] of fields) {
        const keyId = this.event.keyId(path);
        const next = new Set<NameState>();
        // Each value of a field normally gets its own (shared) next state, which multiplies the states a rule
        // needs by the number of values of each of its fields. Past a budget, the values of a field lead instead to
        // one private state per source state, keeping a rule's size linear in its length.
        const join = specs.length > 1 && states.length * specs.length > CROSS_PRODUCT_BUDGET;
        for (const state of states) {
          if (join) {
            const target = new NameState();
            let matcher: FieldMatcher<NameState> | null = null;
            for (const spec of specs) {
              if (spec.kind === 'exists' && !spec.value) {
                state.addAbsent(keyId, target);
              } else {
                matcher ??= state.privateMatcher(keyId);
                matcher.link(spec, target);
              }
            }
            next.add(target);
            continue;
          }
          for (const spec of specs) {
            next.add(
              spec.kind === 'exists' && !spec.value
                ? state.absentState(keyId)
                : state.matcher(keyId).next(spec),
            );
          }
        }
        states = [...next];
      }
      for (const state of states) {
        if (!terminals.includes(state)) terminals.push(state);
      }
    }
    if (terminals.length !== 1 || !terminals[0].setSolo(ref)) {
      for (const state of terminals) state.addTerminal(ref);
    }
    this.refs.set(name, { ref, terminals });
  }

  remove(name: string): boolean {
    const entry = this.refs.get(name);
    if (!entry) return false;
    for (const state of entry.terminals) state.removeTerminal(entry.ref);
    this.refs.delete(name);
    return true;
  }

  /** Drops every rule and state. */
  clear(): void {
    this.start = new NameState();
    this.refs.clear();
  }

  /** Names of the rules the event matches, each once, in the order the rules were added. */
  match(event: unknown): string[] {
    this.event.flatten(event);
    return this.run();
  }

  /**
   * Like `match(JSON.parse(text))`, reading only the parts of the text that rules name. Throws `JSON.parse`'s
   * `SyntaxError` for text that is not JSON.
   */
  matchText(text: string): string[] {
    if (!this.event.flattenText(text)) return this.match(JSON.parse(text));
    return this.run();
  }

  private run(): string[] {
    const stamp = ++this.stamp;
    const foundNames = this.foundNames;
    const foundSeqs = this.foundSeqs;
    let nFound = 0;
    const states = this.stackStates;
    const mems = this.stackMems;
    states.push(this.start);
    mems.push(null);
    const event = this.event;
    const gen = event.gen;
    const keyGen = event.keyGen;
    const present = event.present;
    const nPresent = event.nPresent;
    const eventValues = event.values;
    const eventMemberships = event.memberships;
    const eventCounts = event.counts;
    while (states.length > 0) {
      const state = states.pop() as NameState;
      const mem = mems.pop() as Membership | null;
      if (mem === null) {
        if (state.stamp === stamp) continue;
        state.stamp = stamp;
      }
      if (state.solo !== null && state.soloStamp !== stamp) {
        state.soloStamp = stamp;
        foundNames[nFound] = state.soloName;
        foundSeqs[nFound++] = state.soloSeq;
      }
      const terminal = state.terminal;
      if (terminal !== null) {
        if (terminal.stamp !== stamp) {
          terminal.stamp = stamp;
          foundNames[nFound] = terminal.name;
          foundSeqs[nFound++] = terminal.seq;
        }
        const terminals = state.terminals;
        if (terminals !== null) {
          for (let i = 0; i < terminals.length; i++) {
            const ref = terminals[i];
            if (ref.stamp !== stamp) {
              ref.stamp = stamp;
              foundNames[nFound] = ref.name;
              foundSeqs[nFound++] = ref.seq;
            }
          }
        }
      }
      const absent = state.absent;
      if (absent !== null) {
        for (const a of absent) {
          if (keyGen[a.keyId] !== gen) {
            states.push(a.state);
            mems.push(mem);
          }
        }
      }
      const keyCount = state.keyCount;
      if (keyCount === 0) continue;
      const keyIds = state.keyIds;
      const byPresent = keyCount > nPresent;
      const n = byPresent ? nPresent : keyCount;
      for (let k = 0; k < n; k++) {
        let keyId: number;
        let matchers: FieldMatcher<NameState>[] | undefined;
        let matcher: FieldMatcher<NameState>;
        let m = 0;
        if (byPresent) {
          keyId = present[k];
          matchers = (state.byKey as Map<number, FieldMatcher<NameState>[]>).get(keyId);
          if (matchers === undefined) continue;
          matcher = matchers[0];
        } else {
          keyId = keyIds[k];
          if (keyGen[keyId] !== gen) continue;
          matcher = state.matchers[k];
        }
        for (;;) {
          const values = eventValues[keyId];
          const memberships = eventMemberships[keyId];
          const count = eventCounts[keyId];
          for (let j = 0; j < count; j++) {
            const vm = memberships[j];
            if (mem !== null && vm !== null && !compatible(mem, vm)) continue;
            const before = states.length;
            matcher.collect(values[j], states);
            const after = states.length;
            if (after === before) continue;
            const nextMem = merge(mem, vm);
            for (let s = before; s < after; s++) mems.push(nextMem);
          }
          if (matchers === undefined || ++m >= matchers.length) break;
          matcher = matchers[m];
        }
      }
    }
    if (nFound === 0) return [];
    if (nFound === 1) return [foundNames[0]];
    // In the order the rules were added: an insertion sort in place (an event matches few rules), then one copy.
    for (let i = 1; i < nFound; i++) {
      const seq = foundSeqs[i];
      const name = foundNames[i];
      let j = i - 1;
      for (; j >= 0 && foundSeqs[j] > seq; j--) {
        foundSeqs[j + 1] = foundSeqs[j];
        foundNames[j + 1] = foundNames[j];
      }
      foundSeqs[j + 1] = seq;
      foundNames[j + 1] = name;
    }
    return foundNames.slice(0, nFound);
  }
}
