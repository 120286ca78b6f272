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
 */
import type { SubRule } from './compiler';
import { type EventSink, EventTextScanner, type Membership, PathNode } from './event-text';
import {
  type IpRange,
  ipToHex,
  looksLikeIp,
  type NumericRange,
  networkKey,
  specKey,
  type ValueSpec,
  wildcardMatches,
} from './values';

interface RuleRef {
  readonly name: string;
  readonly seq: number;
  stamp: number;
}

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
  terminals: RuleRef[] | null = null;
  /** Field paths leaving this state and their matchers, in parallel (a path may have several matchers). */
  readonly keyIds: number[] = [];
  readonly matchers: FieldMatcher[] = [];
  readonly byKey = new Map<number, FieldMatcher[]>();
  /** The matcher of each path that rules share (a path's other matchers belong to one rule each). */
  private readonly shared = new Map<number, FieldMatcher>();
  absent: { keyId: number; state: NameState; shared: boolean }[] | null = null;

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
  matcher(keyId: number): FieldMatcher {
    let m = this.shared.get(keyId);
    if (m === undefined) {
      m = this.privateMatcher(keyId);
      this.shared.set(keyId, m);
    }
    return m;
  }

  /** A matcher for a path that no other rule will reuse. */
  privateMatcher(keyId: number): FieldMatcher {
    const m = new FieldMatcher();
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

interface AffixEntry {
  readonly text: string;
  readonly state: NameState;
  readonly next: AffixEntry | null;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
/** Keeps hash keys small integers, which maps store without boxing. */
const SMI_MASK = 0x3fffffff;

/**
 * Prefixes (or suffixes) keyed by a rolling hash of their characters and bucketed by length: a value is matched by
 * hashing its leading (trailing) characters once, with one lookup per distinct prefix length and no allocation,
 * whatever the number of prefixes loaded. Hash hits are confirmed by comparing the strings.
 */
class AffixIndex {
  private readonly byHash = new Map<number, AffixEntry>();
  private lengths: number[] = [];

  constructor(private readonly suffix: boolean) {}

  private hash(text: string): number {
    let h = FNV_OFFSET;
    const len = text.length;
    for (let i = 0; i < len; i++)
      h = Math.imul(h ^ text.charCodeAt(this.suffix ? len - 1 - i : i), FNV_PRIME);
    return h & SMI_MASK;
  }

  set(text: string, state: NameState): void {
    const key = this.hash(text);
    this.byHash.set(key, { text, state, next: this.byHash.get(key) ?? null });
    if (!this.lengths.includes(text.length)) {
      this.lengths = [...this.lengths, text.length].sort((a, b) => a - b);
    }
  }

  collect(value: string, out: NameState[]): void {
    const lengths = this.lengths;
    const len = value.length;
    const suffix = this.suffix;
    let h = FNV_OFFSET;
    let i = 0;
    for (let l = 0; l < lengths.length; l++) {
      const target = lengths[l];
      if (target > len) return;
      for (; i < target; i++) h = Math.imul(h ^ value.charCodeAt(suffix ? len - 1 - i : i), FNV_PRIME);
      for (let e: AffixEntry | null | undefined = this.byHash.get(h & SMI_MASK); e; e = e.next) {
        if (e.text.length === target && (suffix ? value.endsWith(e.text) : value.startsWith(e.text))) {
          out.push(e.state);
        }
      }
    }
  }
}

interface RangeEntry {
  readonly range: NumericRange;
  readonly state: NameState;
}

function inRange(r: NumericRange, v: number): boolean {
  return (r.low < v || (r.low === v && !r.lowOpen)) && (r.high > v || (r.high === v && !r.highOpen));
}

/** A centered interval tree over closed-or-open numeric ranges: a lookup visits O(log n) nodes plus the matches. */
class IntervalNode {
  readonly center: number;
  /** Ranges containing the center, by ascending low and by descending high. */
  readonly byLow: RangeEntry[];
  readonly byHigh: RangeEntry[];
  readonly left: IntervalNode | null;
  readonly right: IntervalNode | null;

  constructor(entries: RangeEntry[]) {
    const points = entries.flatMap((e) => [e.range.low, e.range.high]).sort((a, b) => a - b);
    this.center = points[points.length >> 1];
    const left: RangeEntry[] = [];
    const right: RangeEntry[] = [];
    const mid: RangeEntry[] = [];
    for (const e of entries) {
      if (e.range.high < this.center) left.push(e);
      else if (e.range.low > this.center) right.push(e);
      else mid.push(e);
    }
    this.byLow = [...mid].sort((a, b) => a.range.low - b.range.low);
    this.byHigh = mid.sort((a, b) => b.range.high - a.range.high);
    this.left = left.length > 0 ? new IntervalNode(left) : null;
    this.right = right.length > 0 ? new IntervalNode(right) : null;
  }

  collect(v: number, out: NameState[]): void {
    let node: IntervalNode | null = this;
    while (node !== null) {
      if (v < node.center) {
        for (const e of node.byLow) {
          if (e.range.low > v) break;
          if (inRange(e.range, v)) out.push(e.state);
        }
        node = node.left;
      } else if (v > node.center) {
        for (const e of node.byHigh) {
          if (e.range.high < v) break;
          if (inRange(e.range, v)) out.push(e.state);
        }
        node = node.right;
      } else {
        for (const e of node.byLow) if (inRange(e.range, v)) out.push(e.state);
        return;
      }
    }
  }
}

/**
 * Numeric ranges. One-sided ranges sit in arrays sorted by their bound, so a lookup stops at the first that does not
 * match; two-sided ranges sit in an interval tree. Either way only matching ranges (and a logarithmic number of
 * others) are visited.
 */
class NumericIndex {
  private lowerOnly: RangeEntry[] = [];
  private upperOnly: RangeEntry[] = [];
  private bounded: RangeEntry[] = [];
  private tree: IntervalNode | null = null;
  private built = true;

  add(entry: RangeEntry): void {
    const r = entry.range;
    if (r.high === Number.POSITIVE_INFINITY) this.lowerOnly.push(entry);
    else if (r.low === Number.NEGATIVE_INFINITY) this.upperOnly.push(entry);
    else this.bounded.push(entry);
    this.built = false;
  }

  private build(): void {
    this.lowerOnly.sort((a, b) => a.range.low - b.range.low);
    this.upperOnly.sort((a, b) => b.range.high - a.range.high);
    this.tree = this.bounded.length > 0 ? new IntervalNode(this.bounded) : null;
    this.built = true;
  }

  collect(v: number, out: NameState[]): void {
    if (!this.built) this.build();
    for (const e of this.lowerOnly) {
      if (e.range.low > v) break;
      if (e.range.low < v || !e.range.lowOpen) out.push(e.state);
    }
    for (const e of this.upperOnly) {
      if (e.range.high < v) break;
      if (e.range.high > v || !e.range.highOpen) out.push(e.state);
    }
    if (this.tree !== null) this.tree.collect(v, out);
  }
}

interface SpecEntry {
  readonly spec: ValueSpec;
  readonly state: NameState;
}

/** Items keyed by a literal prefix (or suffix) that every value they match has, bucketed by its length. */
class Buckets<T> {
  private readonly map = new Map<string, T[]>();
  private lengths: number[] = [];

  constructor(private readonly suffix: boolean) {}

  add(key: string, item: T): void {
    const list = this.map.get(key);
    if (list) list.push(item);
    else this.map.set(key, [item]);
    if (!this.lengths.includes(key.length))
      this.lengths = [...this.lengths, key.length].sort((a, b) => a - b);
  }

  /** Calls `visit` with each item whose key the value starts (ends) with. */
  each(value: string, visit: (item: T, value: string, out: NameState[]) => void, out: NameState[]): void {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i];
      if (n > value.length) return;
      const list = this.map.get(this.suffix ? value.slice(value.length - n) : value.slice(0, n));
      if (list !== undefined) for (let k = 0; k < list.length; k++) visit(list[k], value, out);
    }
  }
}

interface WildcardEntry {
  readonly segments: readonly string[];
  readonly state: NameState;
}

function visitWildcard(entry: WildcardEntry, value: string, out: NameState[]): void {
  if (wildcardMatches(entry.segments, value)) out.push(entry.state);
}

/**
 * Wildcards, indexed by their leading literal (or, for those starting with `*`, their trailing one), so a value is
 * only tested against wildcards that can match it.
 */
class WildcardIndex {
  private readonly byLead = new Buckets<WildcardEntry>(false);
  private readonly byTail = new Buckets<WildcardEntry>(true);
  private readonly unanchored: WildcardEntry[] = [];

  add(entry: WildcardEntry): void {
    const segments = entry.segments;
    if (segments[0] !== '') this.byLead.add(segments[0], entry);
    else if (segments[segments.length - 1] !== '') this.byTail.add(segments[segments.length - 1], entry);
    else this.unanchored.push(entry);
  }

  collect(value: string, out: NameState[]): void {
    this.byLead.each(value, visitWildcard, out);
    this.byTail.each(value, visitWildcard, out);
    for (const e of this.unanchored) visitWildcard(e, value, out);
  }
}

interface CidrEntry {
  readonly range: IpRange;
  readonly state: NameState;
}

/** CIDR blocks grouped by address family and mask length, each group keyed by network. */
class CidrIndex {
  private readonly groups = new Map<
    string,
    { bits: number; length: number; byNetwork: Map<string, CidrEntry[]> }
  >();

  add(entry: CidrEntry): void {
    const { low, bits } = entry.range;
    const groupKey = `${low.length}/${bits}`;
    let group = this.groups.get(groupKey);
    if (group === undefined) {
      group = { bits, length: low.length, byNetwork: new Map() };
      this.groups.set(groupKey, group);
    }
    const network = networkKey(low, bits);
    const list = group.byNetwork.get(network);
    if (list) list.push(entry);
    else group.byNetwork.set(network, [entry]);
  }

  collect(hex: string, out: NameState[]): void {
    for (const group of this.groups.values()) {
      if (group.length !== hex.length) continue;
      const list = group.byNetwork.get(networkKey(hex, group.bits));
      if (list === undefined) continue;
      for (const e of list) if (e.range.low <= hex && hex <= e.range.high) out.push(e.state);
    }
  }
}

function anythingButMatches(spec: ValueSpec, v: unknown, lower: string | undefined): boolean {
  switch (spec.kind) {
    case 'anything-but':
      if (typeof v === 'string') return !spec.strings.has(v);
      if (typeof v === 'number') return !spec.numbers.has(v);
      return true;
    case 'anything-but-prefix':
      return typeof v !== 'string' || !spec.values.some((p) => v.startsWith(p));
    case 'anything-but-suffix':
      return typeof v !== 'string' || !spec.values.some((p) => v.endsWith(p));
    case 'anything-but-ignore-case':
      return typeof v !== 'string' || !spec.values.some((p) => p.toLowerCase() === lower);
    case 'anything-but-wildcard':
      return typeof v !== 'string' || !spec.segments.some((s) => wildcardMatches(s, v));
    default:
      return false;
  }
}

/** Everything one state tests on the values of one field path. */
class FieldMatcher {
  private readonly bySpec = new Map<string, NameState>();
  private strings: Map<string, NameState> | null = null;
  private numbers: Map<number, NameState> | null = null;
  private literals: Map<boolean | null, NameState> | null = null;
  private ips: Map<string, NameState> | null = null;
  private prefixes: AffixIndex | null = null;
  private suffixes: AffixIndex | null = null;
  private prefixesIc: AffixIndex | null = null;
  private suffixesIc: AffixIndex | null = null;
  private equalsIc: Map<string, NameState> | null = null;
  private numeric: NumericIndex | null = null;
  private cidrs: CidrIndex | null = null;
  private wildcards: WildcardIndex | null = null;
  private anythingBut: SpecEntry[] | null = null;
  private exists: NameState | null = null;
  private needsLower = false;
  private needsIp = false;

  /** The state `spec` leads to, created (and shared with later rules) if there is none yet. */
  next(spec: ValueSpec): NameState {
    const key = specKey(spec);
    const existing = this.bySpec.get(key);
    if (existing) return existing;
    const state = new NameState();
    this.bySpec.set(key, state);
    this.link(spec, state);
    return state;
  }

  /** Indexes `spec` so that matching values lead to `state`. */
  link(spec: ValueSpec, state: NameState): void {
    switch (spec.kind) {
      case 'string':
        this.strings ??= new Map();
        this.strings.set(spec.value, state);
        break;
      case 'number':
        this.numbers ??= new Map();
        this.numbers.set(spec.value, state);
        break;
      case 'literal':
        this.literals ??= new Map();
        this.literals.set(spec.value, state);
        break;
      case 'ip':
        this.ips ??= new Map();
        this.ips.set(spec.hex, state);
        this.needsIp = true;
        break;
      case 'prefix':
        if (spec.ignoreCase) {
          this.prefixesIc ??= new AffixIndex(false);
          this.prefixesIc.set(spec.value.toLowerCase(), state);
          this.needsLower = true;
        } else {
          this.prefixes ??= new AffixIndex(false);
          this.prefixes.set(spec.value, state);
        }
        break;
      case 'suffix':
        if (spec.ignoreCase) {
          this.suffixesIc ??= new AffixIndex(true);
          this.suffixesIc.set(spec.value.toLowerCase(), state);
          this.needsLower = true;
        } else {
          this.suffixes ??= new AffixIndex(true);
          this.suffixes.set(spec.value, state);
        }
        break;
      case 'equals-ignore-case':
        this.equalsIc ??= new Map();
        this.equalsIc.set(spec.value.toLowerCase(), state);
        this.needsLower = true;
        break;
      case 'numeric':
        this.numeric ??= new NumericIndex();
        this.numeric.add({ range: spec.range, state });
        break;
      case 'cidr':
        this.cidrs ??= new CidrIndex();
        this.cidrs.add({ range: spec.range, state });
        this.needsIp = true;
        break;
      case 'wildcard':
        this.wildcards ??= new WildcardIndex();
        this.wildcards.add({ segments: spec.segments, state });
        break;
      case 'exists':
        this.exists = state;
        break;
      default:
        this.anythingBut ??= [];
        this.anythingBut.push({ spec, state });
        if (spec.kind === 'anything-but-ignore-case') this.needsLower = true;
    }
  }

  /** Pushes the states value `v` leads to. */
  collect(v: unknown, out: NameState[]): void {
    if (this.exists !== null) out.push(this.exists);
    let lower: string | undefined;
    if (typeof v === 'string') {
      if (this.strings !== null) {
        const s = this.strings.get(v);
        if (s !== undefined) out.push(s);
      }
      if (this.prefixes !== null) this.prefixes.collect(v, out);
      if (this.suffixes !== null) this.suffixes.collect(v, out);
      if (this.needsLower) {
        lower = v.toLowerCase();
        if (this.equalsIc !== null) {
          const s = this.equalsIc.get(lower);
          if (s !== undefined) out.push(s);
        }
        if (this.prefixesIc !== null) this.prefixesIc.collect(lower, out);
        if (this.suffixesIc !== null) this.suffixesIc.collect(lower, out);
      }
      if (this.needsIp && looksLikeIp(v)) {
        const hex = ipToHex(v);
        if (hex !== undefined) {
          if (this.ips !== null) {
            const s = this.ips.get(hex);
            if (s !== undefined) out.push(s);
          }
          if (this.cidrs !== null) this.cidrs.collect(hex, out);
        }
      }
      if (this.wildcards !== null) this.wildcards.collect(v, out);
    } else if (typeof v === 'number') {
      if (this.numbers !== null) {
        const s = this.numbers.get(v);
        if (s !== undefined) out.push(s);
      }
      if (this.numeric !== null) this.numeric.collect(v, out);
    } else if (this.literals !== null && (v === null || typeof v === 'boolean')) {
      const s = this.literals.get(v);
      if (s !== undefined) out.push(s);
    }
    if (this.anythingBut !== null) {
      for (const a of this.anythingBut) {
        if (anythingButMatches(a.spec, v, lower)) out.push(a.state);
      }
    }
  }
}

function compatible(a: Membership, b: Membership): boolean {
  for (let i = 0; i < b.length; i += 2) {
    for (let j = 0; j < a.length; j += 2) {
      if (a[j] === b[i] && a[j + 1] !== b[i + 1]) return false;
    }
  }
  return true;
}

function merge(a: Membership | null, b: Membership | null): Membership | null {
  if (a === null || a.length === 0) return b;
  if (b === null || b.length === 0) return a;
  const out = a.slice();
  for (let i = 0; i < b.length; i += 2) {
    let found = false;
    for (let j = 0; j < a.length; j += 2) {
      if (a[j] === b[i]) {
        found = true;
        break;
      }
    }
    if (!found) out.push(b[i], b[i + 1]);
  }
  return out;
}

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

export class Machine implements EventSink {
  private start = new NameState();
  private readonly root = new PathNode();
  private readonly keyIds = new Map<string, number>();
  private readonly refs = new Map<string, { ref: RuleRef; terminals: NameState[] }>();
  private seq = 0;
  private stamp = 0;
  private readonly scanner = new EventTextScanner(this);

  // Per-event scratch, indexed by key id.
  private gen = 0;
  private keyGen: number[] = [];
  private values: unknown[][] = [];
  private memberships: (Membership | null)[][] = [];
  private counts: number[] = [];
  private readonly present: number[] = [];
  private nPresent = 0;
  private arrays = 0;
  private readonly stackStates: NameState[] = [];
  private readonly stackMems: (Membership | null)[] = [];
  private readonly foundNames: string[] = [];
  private readonly foundSeqs: number[] = [];

  private keyId(path: string): number {
    let id = this.keyIds.get(path);
    if (id === undefined) {
      id = this.keyIds.size;
      this.keyIds.set(path, id);
      let node = this.root;
      let parent: PathNode | null = null;
      for (const segment of path.split('.')) {
        if (parent !== null) parent.deep = true;
        parent = node;
        node = node.child(segment);
      }
      node.keyId = id;
      this.keyGen.push(0);
      this.values.push([]);
      this.memberships.push([]);
      this.counts.push(0);
    }
    return id;
  }

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
        const keyId = this.keyId(path);
        const next = new Set<NameState>();
        // Each value of a field normally gets its own (shared) next state, which multiplies the states a rule
        // needs by the number of values of each of its fields. Past a budget, the values of a field lead instead to
        // one private state per source state, keeping a rule's size linear in its length.
        const join = specs.length > 1 && states.length * specs.length > CROSS_PRODUCT_BUDGET;
        for (const state of states) {
          if (join) {
            const target = new NameState();
            let matcher: FieldMatcher | null = null;
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

  newArray(): number {
    return ++this.arrays;
  }

  emit(keyId: number, v: unknown, membership: Membership | null): void {
    if (this.keyGen[keyId] !== this.gen) {
      this.keyGen[keyId] = this.gen;
      this.counts[keyId] = 0;
      this.present[this.nPresent++] = keyId;
    }
    const n = this.counts[keyId]++;
    this.values[keyId][n] = v;
    this.memberships[keyId][n] = membership;
  }

  private walk(obj: object, node: PathNode, membership: Membership | null): void {
    const children = node.children;
    if (children === null) return;
    const record = obj as Record<string, unknown>;
    for (const k in record) {
      let child = children.get(k);
      if (child === undefined) {
        if (k.indexOf('.') < 0) continue;
        child = node.descend(k);
        if (child === undefined) continue;
      }
      this.visit(record[k], child, membership);
    }
  }

  private visit(v: unknown, node: PathNode, membership: Membership | null): void {
    if (v === null || typeof v !== 'object') {
      if (node.keyId >= 0 && v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') {
        this.emit(node.keyId, v, membership);
      }
    } else if (Array.isArray(v)) {
      const arrayId = ++this.arrays;
      for (let i = 0; i < v.length; i++) {
        const element: unknown = v[i];
        if (element !== null && typeof element === 'object') {
          this.visit(element, node, membership === null ? [arrayId, i] : [...membership, arrayId, i]);
        } else {
          this.visit(element, node, membership);
        }
      }
    } else {
      this.walk(v, node, membership);
    }
  }

  private begin(): void {
    this.gen++;
    this.nPresent = 0;
    this.arrays = 0;
  }

  /** Names of the rules the event matches, each once, in the order the rules were added. */
  match(event: unknown): string[] {
    this.begin();
    if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
      this.walk(event, this.root, null);
    }
    return this.run();
  }

  /**
   * Like `match(JSON.parse(text))`, reading only the parts of the text that rules name. Throws `JSON.parse`'s
   * `SyntaxError` for text that is not JSON.
   */
  matchText(text: string): string[] {
    this.begin();
    if (!this.scanner.scan(text, this.root)) return this.match(JSON.parse(text));
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
    const gen = this.gen;
    const keyGen = this.keyGen;
    const present = this.present;
    const nPresent = this.nPresent;
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
        let matchers: FieldMatcher[] | undefined;
        let matcher: FieldMatcher;
        let m = 0;
        if (byPresent) {
          keyId = present[k];
          matchers = state.byKey.get(keyId);
          if (matchers === undefined) continue;
          matcher = matchers[0];
        } else {
          keyId = keyIds[k];
          if (keyGen[keyId] !== gen) continue;
          matcher = state.matchers[k];
        }
        for (;;) {
          const values = this.values[keyId];
          const memberships = this.memberships[keyId];
          const count = this.counts[keyId];
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
    const order: number[] = [];
    for (let i = 0; i < nFound; i++) order.push(i);
    order.sort((a, b) => foundSeqs[a] - foundSeqs[b]);
    return order.map((i) => foundNames[i]);
  }
}
