/**
 * Side-by-side benchmark against aws/event-ruler 2.1.0 (`pnpm bench:ruler`; needs Maven and a JDK 17+, not run in CI).
 *
 * 1. Builds the Java harness in `bench/eventruler/` with the machine's Maven, which fetches event-ruler from Maven
 *    Central on first use.
 * 2. Generates CityLots-shaped events from a fixed seed and writes them, one JSON text a line, for both engines.
 * 3. For each of event-ruler's 14 CityLots rule sets, and for the 10 → 10,000 rules scaling sets, runs one timed pass
 *    of each engine in turn — event-ruler's `rulesForJSONEvent(String)` beside `RuleSet.matchesJson(text)`, and
 *    `rulesForJSONEvent(JsonNode)` beside `RuleSet.matches(object)` (both on events parsed beforehand) — after a
 *    warm-up pass of each, for several rounds, and prints the median events/s and their ratios (Bridgeport ÷
 *    event-ruler). The engines never run at the same time; each round alternates which goes first. The rounds of
 *    the four sizes of a scaling variant are interleaved, as in `bench/citylots.ts`. Beside the
 *    wall-clock ratio it prints the ratio of CPU time per event over all timed rounds (each engine's whole process:
 *    compiler and collector threads included), which waiting for a core on a shared machine does not inflate.
 * 4. Checks that both engines found the same number of matches for every rule of every set.
 *
 * Environment: BENCH_EVENTS (default 50000), BENCH_RUNS (timed rounds, default 5), BENCH_SEED (default 20260101),
 * BENCH_SETS (comma-separated rule-set names, default all), BENCH_WARMUP (untimed passes per set and form, default 2).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { RuleSet } from '@bridgeport/event-patterns';
import { loadCityLotsBenchmark } from '@bridgeport/event-patterns/corpus';
import { generateEvents, median, prng } from '../test/support/citylots-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEED = Number(process.env.BENCH_SEED ?? 20260101);
const ONLY = process.env.BENCH_SETS?.split(',');
/** Untimed passes of each engine and input form before a rule set's timed rounds (the JVM compiles as it goes). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const HARNESS = path.join(__dirname, 'eventruler');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The Java harness, driven one command at a time. */
class EventRuler {
  private readonly lines: AsyncIterator<string>;
  private readonly child;

  constructor(eventsFile: string, rulesFile: string) {
    const classpath = readFileSync(path.join(HARNESS, 'target', 'classpath.txt'), 'utf8').trim();
    this.child = spawn(
      'java',
      [
        '-Xms1g',
        '-Xmx2g',
        '-cp',
        `${path.join(HARNESS, 'target', 'classes')}${path.delimiter}${classpath}`,
        'Harness',
        eventsFile,
        rulesFile,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async line(): Promise<string> {
    const next = await this.lines.next();
    if (next.done) throw new Error('the event-ruler harness stopped');
    return next.value;
  }

  async ask(command: string): Promise<string> {
    this.child.stdin.write(`${command}\n`);
    const answer = await this.line();
    if (answer.startsWith('error')) throw new Error(answer);
    return answer;
  }

  /** One timed pass: events per second, the CPU seconds of the JVM and the total number of matches. */
  async pass(set: string, form: 'text' | 'object'): Promise<Pass> {
    const [, nanos, cpuNanos, matches] = (await this.ask(`pass ${set} ${form}`)).split(' ');
    return {
      perSecond: EVENTS / (Number(nanos) / 1e9),
      cpu: Number(cpuNanos) / 1e9,
      matches: Number(matches),
    };
  }

  async counts(set: string): Promise<Map<string, number>> {
    const words = (await this.ask(`count ${set}`)).split(' ').slice(1);
    return new Map(words.map((w) => [w.split('=')[0], Number(w.split('=')[1])]));
  }

  stop(): void {
    this.child.stdin.end();
  }
}

interface Pass {
  readonly perSecond: number;
  /** CPU seconds the engine's process used during the pass. */
  readonly cpu: number;
  readonly matches: number;
}

function bridgeportPass(
  rules: RuleSet,
  form: 'text' | 'object',
  texts: readonly string[],
  objects: readonly unknown[],
): Pass {
  let matches = 0;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (form === 'text') {
    for (let i = 0; i < texts.length; i++) matches += rules.matchesJson(texts[i]).length;
  } else {
    for (let i = 0; i < objects.length; i++) matches += rules.matches(objects[i]).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  return { perSecond: texts.length / seconds, cpu: (cpu.user + cpu.system) / 1e6, matches };
}

interface Row {
  readonly name: string;
  readonly rules: readonly object[];
}

interface Measured {
  readonly name: string;
  /** Median events/s (wall clock). */
  readonly er: Record<'text' | 'object', number>;
  readonly bp: Record<'text' | 'object', number>;
  /** CPU seconds per event over all timed rounds. */
  readonly erCpu: Record<'text' | 'object', number>;
  readonly bpCpu: Record<'text' | 'object', number>;
}

/**
 * Measures rule sets side by side. With several rows (the sizes of a scaling variant), the rounds go through every
 * row in turn, so that load from other processes on a shared machine falls on all sizes alike instead of on
 * whichever size was being measured when it came.
 */
async function measure(
  er: EventRuler,
  rows: readonly Row[],
  texts: readonly string[],
  objects: readonly unknown[],
): Promise<Measured[]> {
  const sets = [];
  for (const row of rows) {
    const rules = new RuleSet();
    row.rules.forEach((rule, i) => {
      rules.add(`r${i}`, rule);
    });
    // Same matches per rule, or the comparison means nothing.
    const theirs = await er.counts(row.name);
    const ours = new Map<string, number>();
    for (const text of texts)
      for (const name of rules.matchesJson(text)) ours.set(name, (ours.get(name) ?? 0) + 1);
    for (let i = 0; i < row.rules.length; i++) {
      const a = ours.get(`r${i}`) ?? 0;
      const b = theirs.get(`r${i}`) ?? 0;
      if (a !== b) throw new Error(`${row.name} r${i}: Bridgeport matched ${a} events, event-ruler ${b}`);
    }
    sets.push({
      row,
      rules,
      rates: {
        er: { text: [] as number[], object: [] as number[] },
        bp: { text: [] as number[], object: [] as number[] },
      },
      cpu: { er: { text: 0, object: 0 }, bp: { text: 0, object: 0 } },
    });
  }
  for (const { row, rules } of sets) {
    for (let w = 0; w < WARMUP; w++) {
      for (const form of ['text', 'object'] as const) {
        await er.pass(row.name, form);
        bridgeportPass(rules, form, texts, objects);
      }
    }
  }
  for (let r = 0; r < RUNS; r++) {
    for (const { row, rules, rates, cpu } of sets) {
      const record = (who: 'er' | 'bp', form: 'text' | 'object', pass: Pass): void => {
        rates[who][form].push(pass.perSecond);
        cpu[who][form] += pass.cpu;
      };
      for (const form of ['text', 'object'] as const) {
        const ourFirst = r % 2 === 0;
        if (ourFirst) record('bp', form, bridgeportPass(rules, form, texts, objects));
        record('er', form, await er.pass(row.name, form));
        if (!ourFirst) record('bp', form, bridgeportPass(rules, form, texts, objects));
      }
    }
  }
  return sets.map(({ row, rates, cpu }) => ({
    name: row.name,
    er: { text: median(rates.er.text), object: median(rates.er.object) },
    bp: { text: median(rates.bp.text), object: median(rates.bp.object) },
    erCpu: { text: cpu.er.text / (RUNS * EVENTS), object: cpu.er.object / (RUNS * EVENTS) },
    bpCpu: { text: cpu.bp.text / (RUNS * EVENTS), object: cpu.bp.object / (RUNS * EVENTS) },
  }));
}

const times = (n: number): string => `${n.toFixed(2)}×`;

function printRow(m: Measured, label = m.name): void {
  const columns = (form: 'text' | 'object'): string =>
    `${fmt(m.er[form]).padStart(12)}${fmt(m.bp[form]).padStart(11)}${times(m.bp[form] / m.er[form]).padStart(8)}` +
    times(m.erCpu[form] / m.bpCpu[form]).padStart(8);
  console.log(`${label.padEnd(28)}${columns('text')}${columns('object')}`);
}

function header(first: string): void {
  const columns = (form: string): string =>
    `${`ER ${form}`.padStart(12)}${`BP ${form}`.padStart(11)}${'ratio'.padStart(8)}${'CPU'.padStart(8)}`;
  console.log(`${first.padEnd(28)}${columns('text')}${columns('object')}`);
}

/** The scaling rule sets of `bench/citylots.ts`: exact (MAPBLKLOT) and prefix (BLKLOT) rules, half each. */
function scalingSets(lots: readonly string[]): Row[] {
  const random = prng(SEED + 1);
  const pick = (): string => lots[Math.floor(random() * lots.length)];
  const rule = (i: number, lot: string): object =>
    i % 2 === 0
      ? { properties: { MAPBLKLOT: [lot] } }
      : { properties: { BLKLOT: [{ prefix: lot.slice(0, i % 4 === 1 ? 5 : 6) }] } };
  const rows: Row[] = [];
  const base = Array.from({ length: 10 }, pick);
  for (const size of [10, 100, 1_000, 10_000]) {
    const rules: object[] = [];
    for (let i = 0; i < size; i++) {
      const unknownLot = `${8000 + Math.floor(random() * 2000)}${String(1 + Math.floor(random() * 200)).padStart(3, '0')}`;
      rules.push(rule(i, i < 10 ? base[i] : unknownLot));
    }
    rows.push({ name: `A-${size}`, rules });
  }
  for (const size of [10, 100, 1_000, 10_000]) {
    rows.push({ name: `B-${size}`, rules: Array.from({ length: size }, (_, i) => rule(i, pick())) });
  }
  return rows;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    'Building the event-ruler harness (Maven; event-ruler 2.1.0 comes from Maven Central on first use)…',
  );
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      'package',
      'dependency:build-classpath',
      '-Dmdep.outputFile=target/classpath.txt',
    ],
    { cwd: HARNESS, stdio: 'inherit' },
  );
  const benchmark = loadCityLotsBenchmark();
  const exact = benchmark.rule_sets.EXACT;
  const pinned = new Map(
    exact.rules.map((rule, i) => {
      const lot = (rule as { properties: { MAPBLKLOT: string[] } }).properties.MAPBLKLOT[0];
      return [lot, exact.expected_match_counts[i] / 213_068] as const;
    }),
  );
  const events = generateEvents(EVENTS, SEED, pinned);
  const texts = events.map((e) => JSON.stringify(e));
  const objects: unknown[] = texts.map((t) => JSON.parse(t));
  const cityLots: Row[] = Object.entries(benchmark.rule_sets)
    .filter(([name]) => ONLY === undefined || ONLY.includes(name))
    .map(([name, set]) => ({ name, rules: set.rules }));
  const scaling =
    ONLY === undefined ? scalingSets([...new Set(events.map((e) => e.properties.MAPBLKLOT ?? ''))]) : [];

  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ruler-'));
  try {
    const eventsFile = path.join(dir, 'events.jsonl');
    const rulesFile = path.join(dir, 'rules.tsv');
    writeFileSync(eventsFile, `${texts.join('\n')}\n`);
    writeFileSync(
      rulesFile,
      [...cityLots, ...scaling].map((r) => `${r.name}\t${JSON.stringify(r.rules)}`).join('\n'),
    );
    const er = new EventRuler(eventsFile, rulesFile);
    console.log(await er.line());
    console.log(
      `\nBridgeport (node ${process.version}) vs event-ruler 2.1.0 (java), ${fmt(EVENTS)} CityLots events ` +
        `(~${Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length)} bytes), seed ${SEED}, ` +
        `median events/s of ${RUNS} alternating rounds; ratio = Bridgeport ÷ event-ruler (wall clock), ` +
        `CPU = event-ruler's CPU time per event ÷ Bridgeport's (all timed rounds); load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}\n`,
    );
    header('CityLots rule set (5 rules)');
    const textRatios: number[] = [];
    const textCpuRatios: number[] = [];
    for (const row of cityLots) {
      const [m] = await measure(er, [row], texts, objects);
      textRatios.push(m.bp.text / m.er.text);
      textCpuRatios.push(m.erCpu.text / m.bpCpu.text);
      printRow(m);
    }
    if (textRatios.length > 0) {
      console.log(
        `\nFrom text: lowest ratio ${times(Math.min(...textRatios))} (target ≥ 1.00× on every rule set), ` +
          `${textRatios.filter((r) => r >= 1).length}/${textRatios.length} at or above 1.00×; by CPU time ` +
          `lowest ${times(Math.min(...textCpuRatios))}, ${textCpuRatios.filter((r) => r >= 1).length}/` +
          `${textCpuRatios.length} at or above. All match counts agree. (load average now ${loadavg()[0].toFixed(2)})`,
      );
    }
    if (scaling.length > 0) {
      const results = new Map<string, Measured>();
      for (const title of ['A', 'B']) {
        console.log(
          `\nScaling ${title}: ${title === 'A' ? '10 rules from the data + rules no event matches' : 'all rules drawn from the data (matches grow with the rules)'}`,
        );
        header('rules');
        for (const m of await measure(
          er,
          scaling.filter((r) => r.name.startsWith(title)),
          texts,
          objects,
        )) {
          results.set(m.name, m);
          printRow(m, m.name.slice(2));
        }
        const small = results.get(`${title}-10`) as Measured;
        const large = results.get(`${title}-10000`) as Measured;
        const ratio = (form: 'text' | 'object', who: 'bp' | 'er'): string =>
          times(small[who][form] / large[who][form]);
        const cpuRatio = (form: 'text' | 'object', who: 'bpCpu' | 'erCpu'): string =>
          times(large[who][form] / small[who][form]);
        console.log(
          `10,000 vs 10 rules, time per event: Bridgeport object ${ratio('object', 'bp')}, text ${ratio('text', 'bp')}; ` +
            `event-ruler object ${ratio('object', 'er')}, text ${ratio('text', 'er')}` +
            (title === 'B' ? ' (target for Bridgeport ≤ 1.5×)' : ''),
        );
        console.log(
          `10,000 vs 10 rules, CPU time per event: Bridgeport object ${cpuRatio('object', 'bpCpu')}, ` +
            `text ${cpuRatio('text', 'bpCpu')}; event-ruler object ${cpuRatio('object', 'erCpu')}, ` +
            `text ${cpuRatio('text', 'erCpu')}`,
        );
      }
    }
    er.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
