import { RuleSet } from '@bridgeport/event-patterns';
import { prng } from './support/citylots-events';

/**
 * Cross-checks the shared automaton against a direct evaluation of each pattern, on random rules and events drawn
 * from a small vocabulary so that rules overlap heavily (shared states, multi-valued fields, absent fields).
 */

type Spec = string | number | Record<string, unknown>;

const PATHS = [['a'], ['b'], ['c', 'd'], ['c', 'e']];
const STRINGS = ['x', 'xy', 'yx', 'y', 'xyx'];
const NUMBERS = [0, 1, 2, 5];

function specMatches(spec: Spec, present: boolean, value: unknown): boolean {
  if (typeof spec !== 'object') return present && value === spec;
  const [op, arg] = Object.entries(spec)[0];
  if (op === 'exists') return arg === present;
  if (!present) return false;
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(arg as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(arg as string);
    case 'anything-but':
      return !(arg as unknown[]).includes(value);
    case 'numeric': {
      const [, low, , high] = arg as [string, number, string, number];
      return typeof value === 'number' && value > low && value <= high;
    }
    default:
      throw new Error(op);
  }
}

function lookup(event: Record<string, unknown>, path: string[]): { present: boolean; value: unknown } {
  let node: unknown = event;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return { present: false, value: undefined };
    node = (node as Record<string, unknown>)[key];
  }
  return { present: node !== undefined && (node === null || typeof node !== 'object'), value: node };
}

describe('RuleSet against a direct evaluation of each pattern', () => {
  it('agrees on 300 random events with 400 overlapping random rules', () => {
    const random = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const randomSpec = (): Spec => {
      const roll = random();
      if (roll < 0.3) return pick(STRINGS);
      if (roll < 0.45) return pick(NUMBERS);
      if (roll < 0.55) return { prefix: pick(STRINGS).slice(0, 1 + Math.floor(random() * 2)) };
      if (roll < 0.65) return { suffix: pick(STRINGS).slice(-1) };
      if (roll < 0.75) return { 'anything-but': [pick(STRINGS)] };
      if (roll < 0.85) return { numeric: ['>', pick(NUMBERS), '<=', 6] };
      return { exists: random() < 0.5 };
    };
    const rules: { name: string; fields: { path: string[]; specs: Spec[] }[] }[] = [];
    const set = new RuleSet();
    for (let i = 0; i < 400; i++) {
      const paths = PATHS.filter(() => random() < 0.5);
      if (paths.length === 0) paths.push(pick(PATHS));
      const fields = paths.map((path) => ({
        path,
        specs: Array.from({ length: 1 + Math.floor(random() * 3) }, randomSpec),
      }));
      const pattern: Record<string, unknown> = {};
      for (const { path, specs } of fields) {
        let node = pattern;
        for (const key of path.slice(0, -1)) {
          node[key] ??= {};
          node = node[key] as Record<string, unknown>;
        }
        node[path[path.length - 1]] = specs;
      }
      const name = `rule-${i}`;
      rules.push({ name, fields });
      set.add(name, pattern);
    }
    let total = 0;
    for (let n = 0; n < 300; n++) {
      const value = (): unknown => (random() < 0.6 ? pick(STRINGS) : pick(NUMBERS));
      const event: Record<string, unknown> = {};
      if (random() < 0.7) event.a = value();
      if (random() < 0.7) event.b = value();
      if (random() < 0.7) {
        const c: Record<string, unknown> = {};
        if (random() < 0.7) c.d = value();
        if (random() < 0.7) c.e = value();
        event.c = c;
      }
      const expected = rules
        .filter((rule) =>
          rule.fields.every(({ path, specs }) => {
            const { present, value: v } = lookup(event, path);
            return specs.some((spec) => specMatches(spec, present, v));
          }),
        )
        .map((rule) => rule.name);
      expect({ event, matched: set.matches(event) }).toEqual({ event, matched: expected });
      total += expected.length;
    }
    // The vocabulary is small on purpose: events match many rules, so the comparison is not vacuous.
    expect(total).toBeGreaterThan(3000);
  });
});
