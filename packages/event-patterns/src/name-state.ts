/**
 * The states of the matching automaton ({@link NameState}) and their registry ({@link States}).
 *
 * Each state has a small integer id. What a match reads of every state it reaches — whether it was visited for the
 * current event, the rule that ends only there, whether anything else starts or ends there — sits in one typed
 * array indexed by id (four integers a state), so that reaching a state where a rule ends, the common last step of a
 * match, reads one slot of that array instead of a state object among thousands scattered across the heap. The
 * value indexes lead to ids; the objects, with the transitions, are read only for states that have some.
 */
import { FieldMatcher } from './field-matcher';

export interface RuleRef {
  readonly name: string;
  readonly seq: number;
  /** The event it was last reported for (when it ends in several states). */
  stamp: number;
}

/** Integers per state in {@link States.hot}. */
export const HOT = 4;
/** The event the state was last visited for (outside arrays of objects, where states are visited once). */
export const HOT_STAMP = 0;
/** The event the state's solo rule was last reported for. */
export const HOT_SOLO_STAMP = 1;
/** The order of the rule ending only in this state ({@link RuleRef.seq}), or -1. */
export const HOT_SOLO_SEQ = 2;
/** 1 when other rules end here or field paths leave the state (then its object must be read), else 0. */
export const HOT_MORE = 3;

/** The (never written) transitions of a state no field path leaves yet. */
const NO_KEYS: number[] = [];
const NO_MATCHERS: FieldMatcher<number>[] = [];

/** Every state of one automaton, by id. */
export class States {
  readonly nodes: NameState[] = [];
  hot = new Int32Array(64 * HOT);
  /** Makes a state and returns its id (what the value indexes lead to). */
  readonly newState = (): number => new NameState(this).id;

  register(state: NameState): number {
    const id = this.nodes.length;
    this.nodes.push(state);
    if ((id + 1) * HOT > this.hot.length) {
      const hot = new Int32Array(this.hot.length * 2);
      hot.set(this.hot);
      this.hot = hot;
    }
    this.hot[id * HOT + HOT_SOLO_SEQ] = -1;
    return id;
  }

  /** Copies what a match reads of the state into {@link hot}; called after every change to the state. */
  sync(state: NameState): void {
    const at = state.id * HOT;
    this.hot[at + HOT_SOLO_SEQ] = state.solo !== null ? state.solo.seq : -1;
    this.hot[at + HOT_MORE] = state.terminal !== null || state.absent !== null || state.keyCount > 0 ? 1 : 0;
  }

  /** Forgets every visit (before the stamps would outgrow 30 bits). */
  resetStamps(): void {
    const hot = this.hot;
    for (let at = 0; at < hot.length; at += HOT) {
      hot[at + HOT_STAMP] = 0;
      hot[at + HOT_SOLO_STAMP] = 0;
    }
  }
}

export class NameState {
  readonly id: number;
  /** Number of field paths leaving this state (kept here so a leaf state is handled without touching arrays). */
  keyCount = 0;
  /** A rule ending only here, reported through {@link States.hot}. */
  solo: RuleRef | null = null;
  /** Other rules ending here (deduplicated through their own stamp, as they may end in several states). */
  terminal: RuleRef | null = null;
  absent: { keyId: number; state: number; shared: boolean }[] | null = null;
  terminals: RuleRef[] | null = null;
  /**
   * Field paths leaving this state and their matchers, in parallel (a path may have several matchers). Made with the
   * first matcher: most states are where a rule ends, and a large rule set keeps its states small this way.
   */
  keyIds: number[] = NO_KEYS;
  matchers: FieldMatcher<number>[] = NO_MATCHERS;
  byKey: Map<number, FieldMatcher<number>[]> | null = null;
  /** The matcher of each path that rules share (a path's other matchers belong to one rule each). */
  private shared: Map<number, FieldMatcher<number>> | null = null;

  constructor(private readonly states: States) {
    this.id = states.register(this);
  }

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
    return true;
  }

  removeTerminal(ref: RuleRef): void {
    if (this.solo === ref) {
      this.solo = null;
      return;
    }
    const rest = [this.terminal, ...(this.terminals ?? [])].filter(
      (r): r is RuleRef => r !== null && r !== ref,
    );
    this.terminal = rest[0] ?? null;
    this.terminals = rest.length > 1 ? rest.slice(1) : null;
  }

  /** The shared matcher for a path, whose transitions rules reuse. */
  matcher(keyId: number): FieldMatcher<number> {
    this.shared ??= new Map();
    let m = this.shared.get(keyId);
    if (m === undefined) {
      m = this.privateMatcher(keyId);
      this.shared.set(keyId, m);
    }
    return m;
  }

  /** A matcher for a path that no other rule will reuse. */
  privateMatcher(keyId: number): FieldMatcher<number> {
    const m = new FieldMatcher(this.states.newState);
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
  absentState(keyId: number): number {
    const existing = this.absent?.find((a) => a.keyId === keyId && a.shared);
    if (existing) return existing.state;
    const state = this.states.newState();
    this.addAbsent(keyId, state, true);
    return state;
  }

  addAbsent(keyId: number, state: number, shared = false): void {
    this.absent ??= [];
    this.absent.push({ keyId, state, shared });
  }
}
