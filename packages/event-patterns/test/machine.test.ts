import { compileRule } from '../src/compiler';
import { Machine } from '../src/machine';

describe('the matching automaton', () => {
  it('reports the same rules, each once, after its per-event stamps start over', () => {
    const machine = new Machine();
    const add = (name: string, pattern: object): void => machine.add(name, compileRule(pattern).subRules);
    add('solo', { a: ['x'] });
    add('shared-1', { b: ['y'] });
    add('shared-2', { b: ['y'] });
    add('either', { $or: [{ a: ['x'] }, { c: ['z'] }] });
    add('element', { items: { k: ['v'], n: [1] } });
    add('absent', { d: [{ exists: false }] });
    const event = {
      a: 'x',
      b: 'y',
      c: 'z',
      items: [
        { k: 'v', n: 1 },
        { k: 'v', n: 2 },
      ],
    };
    const all = ['solo', 'shared-1', 'shared-2', 'either', 'element', 'absent'];
    const none = { a: 'q', d: 1 };
    // The first two events get stamps 1 and 2; after the stamps run up to their limit and start over, so do the
    // events that follow, and states and rules last visited at those stamps must not count as visited already.
    expect(machine.match(none)).toEqual([]);
    expect(machine.match(event)).toEqual(all);
    Reflect.set(machine, 'stamp', 0x3fffffff - 5);
    let events = 0;
    while (Reflect.get(machine, 'stamp') !== 1) {
      expect(machine.match(none)).toEqual([]);
      expect(++events).toBeLessThan(10);
    }
    for (let i = 0; i < 3; i++) expect(machine.match(event)).toEqual(all);
  });
});
