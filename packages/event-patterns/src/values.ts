/**
 * Value-level building blocks: the compiled form of each match expression, IP address handling for `cidr`,
 * and the `wildcard` parser with its complexity guard.
 */

/** One match expression of a field's value list, compiled. */
export type ValueSpec =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ip'; readonly hex: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'prefix' | 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: string; readonly segments: readonly string[] }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists'; readonly value: boolean }
  | {
      readonly kind: 'anything-but';
      readonly strings: ReadonlySet<string>;
      readonly numbers: ReadonlySet<number>;
    }
  | {
      readonly kind: 'anything-but-prefix' | 'anything-but-suffix' | 'anything-but-ignore-case';
      readonly values: readonly string[];
    }
  | {
      readonly kind: 'anything-but-wildcard';
      readonly values: readonly string[];
      readonly segments: readonly (readonly string[])[];
    };

export interface NumericRange {
  readonly low: number;
  readonly lowOpen: boolean;
  readonly high: number;
  readonly highOpen: boolean;
}

export interface IpRange {
  /** 8 (IPv4) or 32 (IPv6) upper-case hex digits. */
  readonly low: string;
  readonly high: string;
  /** The mask length. */
  readonly bits: number;
}

/** The network part of an address (hex) under a mask of `bits`, as a string key. */
export function networkKey(hex: string, bits: number): string {
  const digits = bits >> 2;
  const rest = bits & 3;
  if (rest === 0) return hex.slice(0, digits);
  const nibble = Number.parseInt(hex[digits], 16) & (0xf0 >> rest) & 0xf;
  return hex.slice(0, digits) + nibble.toString(16).toUpperCase();
}

/** A stable identity for a spec, used to share automaton states between rules. */
export function specKey(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'string':
      return `s${spec.value}`;
    case 'ip':
      return `i${spec.hex}`;
    case 'number':
      return `n${spec.value}`;
    case 'literal':
      return `l${spec.value}`;
    case 'prefix':
    case 'suffix':
      return `${spec.kind}${spec.ignoreCase ? 'I' : ''}:${spec.value}`;
    case 'equals-ignore-case':
      return `e${spec.value.toLowerCase()}`;
    case 'wildcard':
      return `w${spec.value}`;
    case 'numeric': {
      const r = spec.range;
      return `r${r.lowOpen ? '(' : '['}${r.low},${r.high}${r.highOpen ? ')' : ']'}`;
    }
    case 'cidr':
      return `c${spec.range.low}-${spec.range.high}`;
    case 'exists':
      return `x${spec.value}`;
    case 'anything-but':
      return `a${JSON.stringify([...spec.strings].sort())}${JSON.stringify([...spec.numbers].sort())}`;
    default:
      return `${spec.kind}:${JSON.stringify([...spec.values].sort())}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (the textual forms EventBridge recognises: dotted quads and colon-hex IPv6 without dots)

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** Whether the text has the shape of an IP address literal (not necessarily a valid one). */
export function looksLikeIp(text: string): boolean {
  return IPV4.test(text) || IPV6.test(text);
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16).toUpperCase();
}

function parseIpv4(text: string): string | undefined {
  const parts = text.split('.');
  let hex = '';
  for (const part of parts) {
    if (part.length > 10) return undefined;
    const n = Number.parseInt(part, 10);
    if (n > 255) return undefined;
    hex += hex2(n);
  }
  return hex;
}

function parseIpv6(text: string): string | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => x.length >= 1 && x.length <= 4) ? g : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let all: string[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const hex = all.map((g) => g.toUpperCase().padStart(4, '0')).join('');
  // An IPv4-mapped IPv6 address is an IPv4 address (as java.net.InetAddress reads it).
  if (hex.startsWith('00000000000000000000FFFF')) return hex.slice(24);
  return hex;
}

/** The canonical hex form of an IP address literal (8 digits for IPv4, 32 for IPv6), or undefined. */
export function ipToHex(text: string): string | undefined {
  if (IPV4.test(text)) return parseIpv4(text);
  if (IPV6.test(text)) return parseIpv6(text);
  return undefined;
}

/** Parses a `cidr` operand; throws the AWS reason text as a string when it is malformed. */
export function parseCidr(text: string): IpRange {
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw "Malformed CIDR, one '/' required";
  if (!/^[+-]?[0-9]+$/.test(parts[1]) || Math.abs(Number(parts[1])) > 2147483647) {
    throw 'Malformed CIDR, mask bits must be an integer';
  }
  const bits = Number(parts[1]);
  if (bits < 0) throw 'Malformed CIDR, mask bits must not be negative';
  if (!looksLikeIp(parts[0])) throw `Nonstandard IP address: ${parts[0]}`;
  const hex = ipToHex(parts[0]);
  if (hex === undefined) throw `Invalid IP address: ${parts[0]}`;
  if (hex.length === 8 && bits > 31) throw 'IPv4 mask bits must be < 32';
  if (hex.length === 32 && bits > 127) throw 'IPv6 mask bits must be < 128';
  // As event-ruler does (since its 2023 fix), the host bits are masked: `10.0.0.1/24` is 10.0.0.0 to 10.0.0.255.
  let low = '';
  let high = '';
  for (let i = 0; i < hex.length; i++) {
    const nibbleStart = i * 4;
    const hostBits = Math.min(4, Math.max(0, nibbleStart + 4 - Math.max(bits, nibbleStart)));
    const hostMask = (1 << hostBits) - 1;
    const nibble = Number.parseInt(hex[i], 16);
    low += (nibble & ~hostMask & 0xf).toString(16).toUpperCase();
    high += (nibble | hostMask).toString(16).toUpperCase();
  }
  return { low, high, bits };
}

// ---------------------------------------------------------------------------------------------------------------
// wildcard

/** UTF-8 length of a string, as Java encodes it (an unpaired surrogate becomes a one-byte `?`). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) bytes += 1;
    else bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Splits a wildcard operand on its unescaped `*`s (`\*` is a literal `*`, `\\` a literal `\`).
 * Throws the AWS reason text (positions are UTF-8 byte offsets in the quoted operand) when it is malformed.
 */
export function parseWildcard(text: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*')
        throw `Consecutive wildcard characters at pos ${utf8Length(text.slice(0, i)) + 1}`;
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw `Invalid escape character at pos ${utf8Length(text.slice(0, i)) + 1}`;
      }
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** Whether `value` matches the wildcard split into `segments` (a `*` between each). */
export function wildcardMatches(segments: readonly string[], value: string): boolean {
  const n = segments.length;
  if (n === 1) return value === segments[0];
  const first = segments[0];
  const last = segments[n - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < n - 1; i++) {
    const seg = segments[i];
    if (seg === '') continue;
    const at = value.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

/** Largest number of wildcard automaton states one input can keep alive at once (capped). */
export function wildcardComplexity(segments: readonly string[], cap: number): number {
  // Positions in the pattern: a `*` is a position that loops on any character.
  const tokens: (string | null)[] = [];
  segments.forEach((seg, i) => {
    if (i > 0) tokens.push(null);
    for (const ch of seg) tokens.push(ch);
  });
  const n = tokens.length;
  const closure = (set: Set<number>): Set<number> => {
    for (const p of [...set]) {
      let q = p;
      while (q < n && tokens[q] === null) {
        q++;
        set.add(q);
      }
    }
    return set;
  };
  const alphabet = [...new Set(tokens.filter((t): t is string => t !== null)), '\u0000'];
  const key = (s: Set<number>): string => [...s].sort((a, b) => a - b).join(',');
  const start = closure(new Set([0]));
  const seen = new Set([key(start)]);
  const queue = [start];
  let max = start.size;
  let explored = 0;
  while (queue.length > 0 && explored < 5000) {
    explored++;
    const set = queue.shift() as Set<number>;
    for (const ch of alphabet) {
      const next = new Set<number>();
      for (const p of set) {
        if (p >= n) continue;
        const t = tokens[p];
        if (t === null) next.add(p);
        else if (t === ch) next.add(p + 1);
      }
      closure(next);
      if (next.size === 0) continue;
      const k = key(next);
      if (seen.has(k)) continue;
      seen.add(k);
      if (next.size > max) max = next.size;
      if (max >= cap) return cap;
      queue.push(next);
    }
  }
  return max;
}
