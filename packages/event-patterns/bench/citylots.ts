/**
 * Pattern-engine benchmark (`pnpm bench`).
 *
 * 1. Generates CityLots-shaped GeoJSON features (the shape of event-ruler's citylots2 data set: `properties` with
 *    MAPBLKLOT / BLKLOT / STREET / ST_TYPE / FROM_ST …, `geometry` with `type`, `coordinates` as arrays of {x,y,z}
 *    points and `firstCoordinates`) from a fixed seed.
 * 2. For each of event-ruler's 14 CityLots rule sets (5 rules each, read from
 *    test/corpus/eventruler_citylots_benchmark.json) loads the rules into one RuleSet and reports the median
 *    events/s of `matches()` over several passes, plus how many events each rule matched.
 * 3. Loads 10, 100, 1,000 and 10,000 exact/prefix rules and reports events/s for each, and the ratio 10,000 vs 10.
 *
 * Environment: BENCH_EVENTS (default 100000), BENCH_RUNS (timed passes per measurement, default 5),
 * BENCH_SEED (default 20260101).
 */
import { loadavg } from 'node:os';
import { RuleSet } from '@bridgeport/event-patterns';
import { loadCityLotsBenchmark } from '@bridgeport/event-patterns/corpus';
import { generateEvents, median, prng } from '../test/support/citylots-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEED = Number(process.env.BENCH_SEED ?? 20260101);

/** Median events/s of `rules.matches` over RUNS passes (after one warm-up pass), and the matches of one pass. */
function measure(
  rules: RuleSet,
  events: readonly unknown[],
): { perSecond: number; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const event of events) {
    for (const name of rules.matches(event)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const rates: number[] = [];
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < events.length; i++) sink += rules.matches(events[i]).length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(events.length / seconds);
  }
  if (sink < 0) console.log(sink);
  return { perSecond: median(rates), counts };
}

/** Like {@link measure} for several rule sets, alternating between them pass by pass. */
function interleaved(
  sets: readonly RuleSet[],
  events: readonly unknown[],
): { perSecond: number; cpuPerEvent: number; counts: Map<string, number> }[] {
  const counts = sets.map((rules) => {
    const c = new Map<string, number>();
    for (const event of events) {
      for (const name of rules.matches(event)) c.set(name, (c.get(name) ?? 0) + 1);
    }
    return c;
  });
  const rates: number[][] = sets.map(() => []);
  const cpu: number[] = sets.map(() => 0);
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    sets.forEach((rules, k) => {
      const cpuStarted = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) sink += rules.matches(events[i]).length;
      rates[k].push(events.length / (Number(process.hrtime.bigint() - started) / 1e9));
      const used = process.cpuUsage(cpuStarted);
      cpu[k] += (used.user + used.system) / 1e6;
    });
  }
  if (sink < 0) console.log(sink);
  return sets.map((_, k) => ({
    perSecond: median(rates[k]),
    cpuPerEvent: cpu[k] / (RUNS * events.length),
    counts: counts[k],
  }));
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function main(): void {
  const benchmark = loadCityLotsBenchmark();

  const started = Date.now();
  console.log(
    `Pattern engine benchmark — node ${process.version}, ${EVENTS.toLocaleString('en-US')} events, seed ${SEED}, median of ${RUNS} runs`,
  );
  const genStart = Date.now();
  // The original data set has 213,068 records; pin the EXACT rule set's values at their original frequency.
  const exact = benchmark.rule_sets.EXACT;
  const pinned = new Map(
    exact.rules.map((rule, i) => {
      const lot = (rule as { properties: { MAPBLKLOT: string[] } }).properties.MAPBLKLOT[0];
      return [lot, exact.expected_match_counts[i] / 213_068] as const;
    }),
  );
  const events = generateEvents(EVENTS, SEED, pinned);
  const bytes = events.slice(0, 1000).reduce((n, e) => n + JSON.stringify(e).length, 0) / 1000;
  console.log(`generated in ${Date.now() - genStart} ms, ~${Math.round(bytes)} bytes of JSON per event\n`);

  console.log('CityLots rule sets (5 rules each)');
  console.log(`${'rule set'.padEnd(28)}${'events/s'.padStart(12)}  matches per rule`);
  const results: { name: string; perSecond: number }[] = [];
  for (const [name, set] of Object.entries(benchmark.rule_sets)) {
    const rules = new RuleSet();
    set.rules.forEach((rule, i) => {
      rules.add(`r${i}`, rule);
    });
    const { perSecond, counts } = measure(rules, events);
    results.push({ name, perSecond });
    const perRule = set.rules.map((_, i) => counts.get(`r${i}`) ?? 0).join(', ');
    console.log(`${name.padEnd(28)}${fmt(perSecond).padStart(12)}  [${perRule}]`);
  }

  // Exact (properties.MAPBLKLOT) and prefix (properties.BLKLOT, first 5 or 6 characters) rules, half each.
  const rule = (rules: RuleSet, i: number, lot: string): void => {
    if (i % 2 === 0) rules.add(`exact-${i}`, { properties: { MAPBLKLOT: [lot] } });
    else
      rules.add(`prefix-${i}`, { properties: { BLKLOT: [{ prefix: lot.slice(0, i % 4 === 1 ? 5 : 6) }] } });
  };
  const random = prng(SEED + 1);
  const distinctLots = [...new Set(events.map((e) => e.properties.MAPBLKLOT ?? ''))];
  const pick = (): string => distinctLots[Math.floor(random() * distinctLots.length)];
  const sizes = [10, 100, 1_000, 10_000];

  // A: the same 10 rules drawn from the data, plus rules on lots of blocks 8000-9999, which no event has:
  // the work of producing the matches is the same at every size, so this isolates the cost of the rules themselves.
  const base = Array.from({ length: 10 }, pick);
  const flat = sizes.map((size) => {
    const rules = new RuleSet();
    for (let i = 0; i < size; i++) {
      rule(
        rules,
        i,
        i < 10
          ? base[i]
          : `${8000 + Math.floor(random() * 2000)}${String(1 + Math.floor(random() * 200)).padStart(3, '0')}`,
      );
    }
    return rules;
  });
  // B: every rule drawn from the data (from the distinct lots, as subscriptions would name them), so the number of
  // matches per event grows with the number of rules.
  const drawn = sizes.map((size) => {
    const rules = new RuleSet();
    for (let i = 0; i < size; i++) rule(rules, i, pick());
    return rules;
  });

  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (const [title, sets] of [
    ['A: 10 rules from the data + rules for lots no event has (same matches at every size)', flat],
    ['B: all rules drawn from the data (matches grow with the rules)', drawn],
  ] as const) {
    console.log(`\nScaling ${title}`);
    console.log(`${'rules'.padStart(8)}${'events/s'.padStart(12)}${'matches/event'.padStart(16)}`);
    // Passes alternate between the sizes so that drift on a shared machine affects them alike.
    const scale = interleaved(sets, events).map((m, i) => ({ size: sizes[i], ...m }));
    for (const { size, perSecond, counts } of scale) {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(
        `${fmt(size).padStart(8)}${fmt(perSecond).padStart(12)}${(total / events.length).toFixed(3).padStart(16)}`,
      );
    }
    const ratio = scale[0].perSecond / scale[scale.length - 1].perSecond;
    const cpuRatio = scale[scale.length - 1].cpuPerEvent / scale[0].cpuPerEvent;
    ratios.push(ratio);
    cpuRatios.push(cpuRatio);
    console.log(
      `10,000 rules vs 10 rules: ${ratio.toFixed(2)}× the time per event (median wall clock), ` +
        `${cpuRatio.toFixed(2)}× the CPU time per event (all passes)`,
    );
  }
  console.log(
    `\nFlatness (A) 10,000 vs 10 rules: ${ratios[0].toFixed(2)}× (target ≤ 1.5×); with growing matches (B): ${ratios[1].toFixed(2)}×` +
      ` (CPU time: A ${cpuRatios[0].toFixed(2)}×, B ${cpuRatios[1].toFixed(2)}×); load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const slowest = Math.min(
    ...results.filter((r) => ['EXACT', 'PREFIX', 'SUFFIX'].includes(r.name)).map((r) => r.perSecond),
  );
  console.log(`EXACT/PREFIX/SUFFIX slowest: ${fmt(slowest)} events/s (target ≥ 100,000)`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
