import { RuleSet } from '@bridgeport/event-patterns';
import { loadCityLotsBenchmark } from '@bridgeport/event-patterns/corpus';
import { generateEvents } from './support/citylots-events';

const benchmark = loadCityLotsBenchmark();

const texts = generateEvents(3000, 20260101, new Map([['1430022', 0.01]])).map((event) =>
  JSON.stringify(event),
);

describe('the 14 CityLots rule sets give the same matches from JSON text as from the parsed events', () => {
  it('has the 14 rule sets', () => {
    expect(Object.keys(benchmark.rule_sets)).toHaveLength(14);
  });

  it.each(Object.entries(benchmark.rule_sets))('%s', (_name, set) => {
    const rules = new RuleSet();
    set.rules.forEach((rule, i) => {
      rules.add(`r${i}`, rule);
    });
    let matches = 0;
    for (const text of texts) {
      const expected = rules.matches(JSON.parse(text));
      const actual = rules.matchesJson(text);
      if (actual.join() !== expected.join()) expect({ text, actual }).toEqual({ text, actual: expected });
      matches += expected.length;
    }
    expect(matches).toBeGreaterThan(0);
  });
});
