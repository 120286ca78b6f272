import { AffixIndex, StringIndex } from '../src/value-indexes';

/** FNV-1a over UTF-16 code units, masked to 30 bits: the hash a prefix index keys its table by. */
function hash(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h & 0x3fffffff;
}

/** Two different strings with the same hash (the first pair among `v0`, `v1`, …). */
const COLLIDING = ['v77998', 'v454340'] as const;

describe('the prefix and suffix index', () => {
  it('finds every prefix among thousands, and nothing else', () => {
    const index = new AffixIndex<number>(false);
    for (let i = 0; i < 5000; i++) index.set(`lot-${i}:`, i);
    for (let i = 0; i < 5000; i += 7) {
      const out: number[] = [];
      index.collect(`lot-${i}:rest`, out);
      expect(out).toEqual([i]);
    }
    const none: number[] = [];
    index.collect('lot-5000:', none);
    index.collect('', none);
    expect(none).toEqual([]);
  });

  it('reports every prefix and suffix a value has, colliding ones included', () => {
    const [a, b] = COLLIDING;
    const prefixes = new AffixIndex<string>(false);
    for (const p of [a, b, 'v', 'x']) prefixes.set(p, `p:${p}`);
    const out: string[] = [];
    prefixes.collect(`${b}-tail`, out);
    expect(hash(a)).toBe(hash(b));
    expect(out.sort()).toEqual(['p:v', `p:${b}`].sort());

    const suffixes = new AffixIndex<string>(true);
    for (let i = 0; i < 3000; i++) suffixes.set(`${i}`, `s${i}`);
    const found: string[] = [];
    suffixes.collect('lot-1234', found);
    expect(found.sort()).toEqual(['s1234', 's234', 's34', 's4']);
  });
});

describe('the exact string index', () => {
  it('finds every value among thousands, and nothing else', () => {
    const index = new StringIndex<number>();
    for (let i = 0; i < 5000; i++) index.set(`lot-${i}`, i);
    for (let i = 0; i < 5000; i += 7) expect(index.get(`lot-${i}`)).toBe(i);
    expect(index.get('lot-1')).toBe(1);
    for (const missing of ['lot-5000', 'lot-12x', '', 'lot-']) expect(index.get(missing)).toBeUndefined();
  });

  it('tells apart values with the same hash, and a value set again leads to its new state', () => {
    const [a, b] = COLLIDING;
    expect(hash(a)).toBe(hash(b));
    const index = new StringIndex<string>();
    index.set(a, 'first');
    expect(index.get(b)).toBeUndefined();
    index.set(b, 'second');
    index.set(a, 'again');
    expect([index.get(a), index.get(b)]).toEqual(['again', 'second']);
    expect(index.get('\u00e9')).toBeUndefined();
    index.set('\u00e9\ud83d\ude00', 'unicode');
    expect(index.get('\u00e9\ud83d\ude00')).toBe('unicode');
    expect(index.get('\u00e9\ud83d')).toBeUndefined();
  });
});
