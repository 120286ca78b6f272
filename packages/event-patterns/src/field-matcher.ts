/**
 * The field matcher: everything one automaton state tests on the values of one field path — exact values in hash
 * maps, the other expressions in their value indexes — and the states `S` a value leads to.
 */
import { AffixIndex, CidrIndex, NumericIndex, StringIndex, WildcardIndex } from './value-indexes';
import { ipToHex, looksLikeIp, specKey, type ValueSpec, wildcardMatches } from './values';

interface SpecEntry<S> {
  readonly spec: ValueSpec;
  readonly state: S;
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
export class FieldMatcher<S> {
  /** `newState` makes the state a new expression leads to. */
  constructor(private readonly newState: () => S) {}

  private readonly bySpec = new Map<string, S>();
  private strings: StringIndex<S> | null = null;
  private numbers: Map<number, S> | null = null;
  private literals: Map<boolean | null, S> | null = null;
  private ips: Map<string, S> | null = null;
  private prefixes: AffixIndex<S> | null = null;
  private suffixes: AffixIndex<S> | null = null;
  private prefixesIc: AffixIndex<S> | null = null;
  private suffixesIc: AffixIndex<S> | null = null;
  private equalsIc: Map<string, S> | null = null;
  private numeric: NumericIndex<S> | null = null;
  private cidrs: CidrIndex<S> | null = null;
  private wildcards: WildcardIndex<S> | null = null;
  private anythingBut: SpecEntry<S>[] | null = null;
  private exists: S | null = null;
  private needsLower = false;
  private needsIp = false;

  /** The state `spec` leads to, created (and shared with later rules) if there is none yet. */
  next(spec: ValueSpec): S {
    const key = specKey(spec);
    const existing = this.bySpec.get(key);
    if (existing !== undefined) return existing;
    const state = this.newState();
    this.bySpec.set(key, state);
    this.link(spec, state);
    return state;
  }

  /** Indexes `spec` so that matching values lead to `state`. */
  link(spec: ValueSpec, state: S): void {
    switch (spec.kind) {
      case 'string':
        this.strings ??= new StringIndex<S>();
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
          this.prefixesIc ??= new AffixIndex<S>(false);
          this.prefixesIc.set(spec.value.toLowerCase(), state);
          this.needsLower = true;
        } else {
          this.prefixes ??= new AffixIndex<S>(false);
          this.prefixes.set(spec.value, state);
        }
        break;
      case 'suffix':
        if (spec.ignoreCase) {
          this.suffixesIc ??= new AffixIndex<S>(true);
          this.suffixesIc.set(spec.value.toLowerCase(), state);
          this.needsLower = true;
        } else {
          this.suffixes ??= new AffixIndex<S>(true);
          this.suffixes.set(spec.value, state);
        }
        break;
      case 'equals-ignore-case':
        this.equalsIc ??= new Map();
        this.equalsIc.set(spec.value.toLowerCase(), state);
        this.needsLower = true;
        break;
      case 'numeric':
        this.numeric ??= new NumericIndex<S>();
        this.numeric.add({ range: spec.range, state });
        break;
      case 'cidr':
        this.cidrs ??= new CidrIndex<S>();
        this.cidrs.add({ range: spec.range, state });
        this.needsIp = true;
        break;
      case 'wildcard':
        this.wildcards ??= new WildcardIndex<S>();
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
  collect(v: unknown, out: S[]): void {
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
