/**
 * The value indexes of a field matcher: each maps the values of one kind of expression (prefixes and suffixes,
 * numeric ranges, wildcards, CIDR blocks) to the automaton states `S` they lead to, so that a value is tested only
 * against the expressions that can match it, whatever the number loaded.
 */
import { HASH_START, hashEnd, hashStep, hashText, TextTable } from './text-table';
import { type IpRange, type NumericRange, networkKey, wildcardMatches } from './values';

/**
 * Exact string values: a value no rule names — most values, in a large rule set — costs hashing its characters and
 * reading one or two slots of a typed array, where a `Map` would also read the keys in its bucket (a cache miss each,
 * among thousands of keys); a value some rule names is compared with the key's code units in the table's pool.
 */
export class StringIndex<S> {
  private readonly table = new TextTable<S>();

  /** Maps `text` to `state`, replacing the state it had. */
  set(text: string, state: S): void {
    const h = hashText(text);
    const i = this.table.find(h, text);
    if (i >= 0) this.table.states[i] = state;
    else this.table.add(h, text, state);
  }

  get(value: string): S | undefined {
    const table = this.table;
    const i = table.find(hashText(value), value);
    return i >= 0 ? table.states[i] : undefined;
  }
}

/**
 * Prefixes (or suffixes) keyed by a rolling hash of their characters and bucketed by length: a value is matched by
 * hashing its leading (trailing) characters once, with one lookup per distinct prefix length and no allocation,
 * whatever the number of prefixes loaded. Hash hits are confirmed by comparing the characters.
 */
export class AffixIndex<S> {
  private readonly table = new TextTable<S>();
  private lengths: number[] = [];

  constructor(private readonly suffix: boolean) {}

  private hash(text: string): number {
    let h = HASH_START;
    const len = text.length;
    for (let i = 0; i < len; i++) h = hashStep(h, text.charCodeAt(this.suffix ? len - 1 - i : i));
    return hashEnd(h);
  }

  set(text: string, state: S): void {
    this.table.add(this.hash(text), text, state);
    if (!this.lengths.includes(text.length)) {
      this.lengths = [...this.lengths, text.length].sort((a, b) => a - b);
    }
  }

  collect(value: string, out: S[]): void {
    const lengths = this.lengths;
    const len = value.length;
    const suffix = this.suffix;
    const table = this.table;
    const hashes = table.hashes;
    const keys = table.keys;
    const mask = hashes.length - 1;
    let h = HASH_START;
    let i = 0;
    for (let l = 0; l < lengths.length; l++) {
      const target = lengths[l];
      if (target > len) return;
      for (; i < target; i++) h = hashStep(h, value.charCodeAt(suffix ? len - 1 - i : i));
      const key = hashEnd(h);
      const stored = key + 1;
      for (let slot = key & mask; ; slot = (slot + 1) & mask) {
        const x = hashes[slot];
        if (x === 0) break;
        if (
          x === stored &&
          keys[2 * slot] === target &&
          table.equalsAt(slot, value, suffix ? len - target : 0)
        ) {
          out.push(table.states[slot] as S);
        }
      }
    }
  }
}

export interface RangeEntry<S> {
  readonly range: NumericRange;
  readonly state: S;
}

function inRange(r: NumericRange, v: number): boolean {
  return (r.low < v || (r.low === v && !r.lowOpen)) && (r.high > v || (r.high === v && !r.highOpen));
}

/** A centered interval tree over closed-or-open numeric ranges: a lookup visits O(log n) nodes plus the matches. */
class IntervalNode<S> {
  readonly center: number;
  /** Ranges containing the center, by ascending low and by descending high. */
  readonly byLow: RangeEntry<S>[];
  readonly byHigh: RangeEntry<S>[];
  readonly left: IntervalNode<S> | null;
  readonly right: IntervalNode<S> | null;

  constructor(entries: RangeEntry<S>[]) {
    const points = entries.flatMap((e) => [e.range.low, e.range.high]).sort((a, b) => a - b);
    this.center = points[points.length >> 1];
    const left: RangeEntry<S>[] = [];
    const right: RangeEntry<S>[] = [];
    const mid: RangeEntry<S>[] = [];
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

  collect(v: number, out: S[]): void {
    let node: IntervalNode<S> | null = this;
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
export class NumericIndex<S> {
  private lowerOnly: RangeEntry<S>[] = [];
  private upperOnly: RangeEntry<S>[] = [];
  private bounded: RangeEntry<S>[] = [];
  private tree: IntervalNode<S> | null = null;
  private built = true;

  add(entry: RangeEntry<S>): void {
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

  collect(v: number, out: S[]): void {
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

/** Items keyed by a literal prefix (or suffix) that every value they match has, bucketed by its length. */
class Buckets<T, S> {
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
  each(value: string, visit: (item: T, value: string, out: S[]) => void, out: S[]): void {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i];
      if (n > value.length) return;
      const list = this.map.get(this.suffix ? value.slice(value.length - n) : value.slice(0, n));
      if (list !== undefined) for (let k = 0; k < list.length; k++) visit(list[k], value, out);
    }
  }
}

export interface WildcardEntry<S> {
  readonly segments: readonly string[];
  readonly state: S;
}

function visitWildcard<S>(entry: WildcardEntry<S>, value: string, out: S[]): void {
  if (wildcardMatches(entry.segments, value)) out.push(entry.state);
}

/**
 * Wildcards, indexed by their leading literal (or, for those starting with `*`, their trailing one), so a value is
 * only tested against wildcards that can match it.
 */
export class WildcardIndex<S> {
  private readonly byLead = new Buckets<WildcardEntry<S>, S>(false);
  private readonly byTail = new Buckets<WildcardEntry<S>, S>(true);
  private readonly unanchored: WildcardEntry<S>[] = [];

  add(entry: WildcardEntry<S>): void {
    const segments = entry.segments;
    if (segments[0] !== '') this.byLead.add(segments[0], entry);
    else if (segments[segments.length - 1] !== '') this.byTail.add(segments[segments.length - 1], entry);
    else this.unanchored.push(entry);
  }

  collect(value: string, out: S[]): void {
    this.byLead.each(value, visitWildcard, out);
    this.byTail.each(value, visitWildcard, out);
    for (const e of this.unanchored) visitWildcard(e, value, out);
  }
}

export interface CidrEntry<S> {
  readonly range: IpRange;
  readonly state: S;
}

/** CIDR blocks grouped by address family and mask length, each group keyed by network. */
export class CidrIndex<S> {
  private readonly groups = new Map<
    string,
    { bits: number; length: number; byNetwork: Map<string, CidrEntry<S>[]> }
  >();

  add(entry: CidrEntry<S>): void {
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

  collect(hex: string, out: S[]): void {
    for (const group of this.groups.values()) {
      if (group.length !== hex.length) continue;
      const list = group.byNetwork.get(networkKey(hex, group.bits));
      if (list === undefined) continue;
      for (const e of list) if (e.range.low <= hex && hex <= e.range.high) out.push(e.state);
    }
  }
}
