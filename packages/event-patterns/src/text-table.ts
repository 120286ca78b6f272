/**
 * The hash table under the exact-string, prefix and suffix indexes: strings (keys) mapped to states, laid out in
 * typed arrays so that a lookup in a table of thousands of keys touches a few adjacent slots and never the keys'
 * string objects, which lie scattered across the heap (a cache miss each).
 */

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
/** Keeps hashes small non-negative integers (a slot stores hash + 1, 0 marking it empty). */
const HASH_MASK = 0x3fffffff;

/** The hash of no characters, and how {@link hashStep} extends a hash by one UTF-16 code unit. */
export const HASH_START = FNV_OFFSET;

/** FNV-1a: `h` extended by the code unit `c` (mask the result with {@link hashEnd}). */
export function hashStep(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME);
}

export function hashEnd(h: number): number {
  return h & HASH_MASK;
}

/** The hash of all of `text`. */
export function hashText(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h & HASH_MASK;
}

/**
 * Keys by their hash ({@link hashEnd}), open-addressed with linear probing and at most half full. The
 * hashes sit alone in one typed array, so that a probe for a value no key has — most probes, in a large rule set —
 * reads one small array; each slot's key length and start in a shared pool of code units sit side by side in another,
 * so that confirming a hit reads one slot of it and the pool, never a string object; the states sit in a third.
 * Keys with the same hash (or the same text, when added twice) sit in successive slots of the probe.
 */
export class TextTable<S> {
  /** Hash + 1 of the key in each slot (0: empty); its length (a power of two) is the number of slots. */
  hashes = new Int32Array(8);
  /** Two integers a slot: the key's length and the start of its code units in {@link pool}. */
  keys = new Int32Array(16);
  states: (S | undefined)[] = new Array(8);
  /** The keys' UTF-16 code units, one after the other. */
  pool = new Uint16Array(64);
  private poolUsed = 0;
  private used = 0;

  /** The slot of the key `text` (hash `h`), or -1. */
  find(h: number, text: string): number {
    const hashes = this.hashes;
    const mask = hashes.length - 1;
    const stored = h + 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = hashes[i];
      if (x === 0) return -1;
      if (x === stored && this.keys[2 * i] === text.length && this.equalsAt(i, text, 0)) return i;
    }
  }

  /** Whether the key in slot `i` equals the code units of `value` from `from` on (as many as the key has). */
  equalsAt(i: number, value: string, from: number): boolean {
    const pool = this.pool;
    const n = this.keys[2 * i];
    const start = this.keys[2 * i + 1];
    for (let k = 0; k < n; k++) {
      if (pool[start + k] !== value.charCodeAt(from + k)) return false;
    }
    return true;
  }

  /** Adds a key (hash `h`) leading to `state`, beside any key of the same text. */
  add(h: number, text: string, state: S): void {
    if ((this.used + 1) * 2 > this.hashes.length) this.grow();
    if (this.poolUsed + text.length > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, this.poolUsed + text.length));
      pool.set(this.pool);
      this.pool = pool;
    }
    const start = this.poolUsed;
    for (let k = 0; k < text.length; k++) this.pool[start + k] = text.charCodeAt(k);
    this.poolUsed += text.length;
    this.place(h + 1, text.length, start, state);
    this.used++;
  }

  private place(stored: number, length: number, start: number, state: S | undefined): void {
    const hashes = this.hashes;
    const mask = hashes.length - 1;
    let i = (stored - 1) & mask;
    while (hashes[i] !== 0) i = (i + 1) & mask;
    hashes[i] = stored;
    this.keys[2 * i] = length;
    this.keys[2 * i + 1] = start;
    this.states[i] = state;
  }

  private grow(): void {
    const { hashes, keys, states } = this;
    const size = hashes.length * 2;
    this.hashes = new Int32Array(size);
    this.keys = new Int32Array(2 * size);
    this.states = new Array(size);
    for (let j = 0; j < hashes.length; j++) {
      if (hashes[j] !== 0) this.place(hashes[j], keys[2 * j], keys[2 * j + 1], states[j]);
    }
  }
}
