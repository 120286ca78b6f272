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
 * The automaton is this module; its parts live beside it: the states and the typed array a match reads them
 * through (`name-state.ts`), the field matcher (`field-matcher.ts`), the value indexes it uses (`value-indexes.ts`)
 * and flattening (`flattener.ts`).
 */
import type { SubRule } from './compiler';
import type { Membership } from './event-text';
import type { FieldMatcher } from './field-matcher';
import { compatible, EventFlattener, merge } from './flattener';
import {
  HOT,
  HOT_MORE,
  HOT_SOLO_SEQ,
  HOT_SOLO_STAMP,
  HOT_STAMP,
  NameState,
  type RuleRef,
  States,
} from './name-state';
import type { ValueSpec } from './values';

/** Stamps stay below this, so that they fit the typed array of {@link States.hot}. */
const MAX_STAMP = 0x3fffffff;

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
  private states = new States();
  private start = new NameState(this.states);
  private readonly refs = new Map<string, { ref: RuleRef; terminals: NameState[] }>();
  /** The name of each rule, by {@link RuleRef.seq}. */
  private names: string[] = [];
  private seq = 0;
  private stamp = 0;
  private readonly event = new EventFlattener();
  private readonly stackStates: number[] = [];
  private readonly stackMems: (Membership | null)[] = [];
  private readonly foundSeqs: number[] = [];

  add(name: string, subRules: readonly SubRule[]): void {
    const ref: RuleRef = { name, seq: this.seq++, stamp: 0 };
    this.names[ref.seq] = name;
    const nodes = this.states.nodes;
    const terminals: NameState[] = [];
    for (const subRule of subRules) {
      const fields = [...subRule.entries()]
        .map(([path, specs]) => ({ path, specs, rank: selectivity(specs) }))
        .sort((a, b) => a.rank - b.rank || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .map(({ path, specs }): [string, ValueSpec[]] => [path, specs]);
      let states: NameState[] = [this.start];
      for (const [path, specs] of fields) {
        const keyId = this.event.keyId(path);
        const next = new Set<number>();
        // Each value of a field normally gets its own (shared) next state, which multiplies the states a rule
        // needs by the number of values of each of its fields. Past a budget, the values of a field lead instead to
        // one private state per source state, keeping a rule's size linear in its length.
        const join = specs.length > 1 && states.length * specs.length > CROSS_PRODUCT_BUDGET;
        for (const state of states) {
          if (join) {
            const target = this.states.newState();
            let matcher: FieldMatcher<number> | null = null;
            for (const spec of specs) {
              if (spec.kind === 'exists' && !spec.value) {
                state.addAbsent(keyId, target);
              } else {
                matcher ??= state.privateMatcher(keyId);
                matcher.link(spec, target);
              }
            }
            next.add(target);
          } else {
            for (const spec of specs) {
              next.add(
                spec.kind === 'exists' && !spec.value
                  ? state.absentState(keyId)
                  : state.matcher(keyId).next(spec),
              );
            }
          }
          this.states.sync(state);
        }
        states = [...next].map((id) => nodes[id]);
      }
      for (const state of states) {
        if (!terminals.includes(state)) terminals.push(state);
      }
    }
    if (terminals.length !== 1 || !terminals[0].setSolo(ref)) {
      for (const state of terminals) state.addTerminal(ref);
    }
    for (const state of terminals) this.states.sync(state);
    this.refs.set(name, { ref, terminals });
  }

  remove(name: string): boolean {
    const entry = this.refs.get(name);
    if (!entry) return false;
    for (const state of entry.terminals) {
      state.removeTerminal(entry.ref);
      this.states.sync(state);
    }
    this.refs.delete(name);
    return true;
  }

  /** Drops every rule and state. */
  clear(): void {
    this.states = new States();
    this.start = new NameState(this.states);
    this.refs.clear();
    this.names = [];
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

  /** The stamp of a new event: states and rules carrying it were visited (reported) for this event. */
  private nextStamp(): number {
    if (this.stamp >= MAX_STAMP) {
      this.states.resetStamps();
      for (const { ref } of this.refs.values()) ref.stamp = 0;
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private run(): string[] {
    const stamp = this.nextStamp();
    const foundSeqs = this.foundSeqs;
    let nFound = 0;
    const hot = this.states.hot;
    const nodes = this.states.nodes;
    const states = this.stackStates;
    const mems = this.stackMems;
    states.push(this.start.id);
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
      const id = states.pop() as number;
      const mem = mems.pop() as Membership | null;
      const at = id * HOT;
      if (mem === null) {
        if (hot[at + HOT_STAMP] === stamp) continue;
        hot[at + HOT_STAMP] = stamp;
      }
      const soloSeq = hot[at + HOT_SOLO_SEQ];
      if (soloSeq >= 0 && hot[at + HOT_SOLO_STAMP] !== stamp) {
        hot[at + HOT_SOLO_STAMP] = stamp;
        foundSeqs[nFound++] = soloSeq;
      }
      if (hot[at + HOT_MORE] === 0) continue;
      const state = nodes[id];
      const terminal = state.terminal;
      if (terminal !== null) {
        if (terminal.stamp !== stamp) {
          terminal.stamp = stamp;
          foundSeqs[nFound++] = terminal.seq;
        }
        const terminals = state.terminals;
        if (terminals !== null) {
          for (let i = 0; i < terminals.length; i++) {
            const ref = terminals[i];
            if (ref.stamp !== stamp) {
              ref.stamp = stamp;
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
        let matchers: FieldMatcher<number>[] | undefined;
        let matcher: FieldMatcher<number>;
        let m = 0;
        if (byPresent) {
          keyId = present[k];
          matchers = (state.byKey as Map<number, FieldMatcher<number>[]>).get(keyId);
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
    const names = this.names;
    if (nFound === 0) return [];
    if (nFound === 1) return [names[foundSeqs[0]]];
    // In the order the rules were added: an insertion sort in place (an event matches few rules).
    for (let i = 1; i < nFound; i++) {
      const seq = foundSeqs[i];
      let j = i - 1;
      for (; j >= 0 && foundSeqs[j] > seq; j--) foundSeqs[j + 1] = foundSeqs[j];
      foundSeqs[j + 1] = seq;
    }
    const found: string[] = new Array(nFound);
    for (let i = 0; i < nFound; i++) found[i] = names[foundSeqs[i]];
    return found;
  }
}
