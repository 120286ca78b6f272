/**
 * End-to-end benchmark of the local runtime (`pnpm bench:e2e`): `bridgeport start` runs as its own process;
 * this process creates 10 event types with 10 HTTPS subscriptions each (one per target unit, so every event
 * matches exactly one subscription), serves the consumers from one loopback HTTP sink, and drives concurrent
 * producers against the producer endpoint. Loopback only; stops by itself.
 *
 * Beside it runs the floor (`bench/relay.ts`): a bare durable relay (POST in → JSON.parse → append with group
 * fdatasync → 200 → POST to the consumer) fed by the same load generator and delivering to the same sink.
 * 1. Saturation: closed-loop producers against the relay and Bridgeport in turn, for several alternating rounds;
 *    median accepted events/s and CPU per event (user + system of the server process ÷ events), and Bridgeport's
 *    ratios to the relay (targets: ≥ 0.8× the throughput, ≤ 1.3× the CPU per event).
 * 2. Sustained load at half of Bridgeport's measured saturation rate (open loop): end-to-end latency (producer send →
 *    sink receipt) and acknowledgement latency (target: p99 ≤ 20 ms), with every accepted event delivered.
 *
 * Settings (environment): BENCH_SECONDS (per phase, default 8), BENCH_ROUNDS (saturation rounds, default 3),
 * BENCH_CONCURRENCY (saturation producers, default 64), BENCH_RATE (sustained rate instead of half the saturation).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { issueToken, loadSigningKey } from '../src/identity/tokens';
import { spawnRuntime } from '../src/runtime/process';

const EVENT_TYPES = 10;
const UNITS = 10;
const RATE = process.env.BENCH_RATE === undefined ? undefined : Number(process.env.BENCH_RATE);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const WARMUP_SECONDS = 2;
const PACKAGE_DIR = path.resolve(__dirname, '..');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
/** Send time and phase of each event not yet received by the sink. */
const sent = new Map<number, { readonly at: number; readonly latencies: number[] | undefined }>();
/** Latencies of the events of the phase being measured (undefined while warming up). */
let latencies: number[] | undefined;
/** Time from send to the producer endpoint's 200 (the durable acknowledgement), same phase. */
let acknowledgements: number[] | undefined;
let received = 0;

/** Headers of every request: the portal's bearer token once the runtime is up. */
const headers: Record<string, string> = {};

/** Each event type's producer key (`x-api-key`), read from the portal once the type exists. */
const producerKeys: string[] = [];

function request(
  url: string,
  method: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers:
          payload === undefined
            ? { ...headers, ...extraHeaders }
            : {
                ...headers,
                ...extraHeaders,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function startSink(): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      res.writeHead(200, { 'content-length': '2' });
      res.end('ok');
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        detail: { data: { seq: number } };
      };
      const seq = event.detail.data.seq;
      const start = sent.get(seq);
      if (start === undefined) return;
      sent.delete(seq);
      received += 1;
      start.latencies?.push(now - start.at);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

async function startRelay(dataDir: string, consumer: string): Promise<{ child: ChildProcess; url: string }> {
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'bench/relay.ts', dataDir, consumer],
    {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      out += text;
      const ready = /Relay ready (http:\/\/\S+)/.exec(out);
      if (ready) resolve({ child, url: ready[1] });
    });
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}:\n${out}`)));
  });
}

async function setUp(portal: string, sinkPort: number): Promise<void> {
  const data = {
    type: 'object',
    required: ['seq', 'parcel_id'],
    properties: { seq: { type: 'integer' }, parcel_id: { type: 'string' }, weight_kg: { type: 'number' } },
  };
  for (let t = 0; t < EVENT_TYPES; t += 1) {
    const created = await request(`${portal}/events`, 'POST', {
      application: 'bench-app',
      event_type: `bench_type_${t}`,
      description: 'Benchmark event type',
      connection_type: 'HTTPS',
      data,
    });
    if (created.status !== 201)
      throw new Error(`creating bench_type_${t}: ${created.status} ${created.text}`);
    const key = await request(`${portal}/events/bench_type_${t}/producer-key`, 'GET');
    if (key.status !== 200)
      throw new Error(`reading the producer key of bench_type_${t}: ${key.status} ${key.text}`);
    producerKeys[t] = (JSON.parse(key.text) as { api_key: string }).api_key;
    for (let u = 0; u < UNITS; u += 1) {
      const subscribed = await request(`${portal}/subscriptions`, 'POST', {
        event_type: `bench_type_${t}`,
        version: 1,
        connection_type: 'HTTPS',
        connection_string: `https://127.0.0.1:${sinkPort}/t${t}/u${u}`,
        target_unit: `unit-${u}`,
      });
      if (subscribed.status !== 201) throw new Error(`subscribing: ${subscribed.status} ${subscribed.text}`);
    }
  }
  for (let waited = 0; ; waited += 100) {
    const page = await request(`${portal}/subscriptions?limit=100`, 'GET');
    const items = (JSON.parse(page.text) as { items: { status: string }[] }).items;
    if (items.length === EVENT_TYPES * UNITS && items.every((item) => item.status === 'ACTIVE')) return;
    if (waited > 30_000) throw new Error('subscriptions did not become ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let seq = 0;
let accepted = 0;
let rejected = 0;
/** The first refusal of a phase (status and body), so a run that measures nothing says why. */
let firstRefusal: string | undefined;

async function publish(broker: string): Promise<void> {
  const n = seq++;
  const t = n % EVENT_TYPES;
  const body = {
    metadata: {
      event_attributes: { source: 'bench', target: `unit-${Math.floor(n / EVENT_TYPES) % UNITS}` },
    },
    data: { seq: n, parcel_id: `parcel-${n}`, weight_kg: 1.5 },
  };
  const measured = latencies;
  const acknowledged = acknowledgements;
  const at = performance.now();
  sent.set(n, { at, latencies: measured });
  let answer: { status: number; text?: string };
  try {
    answer = await request(`${broker}/bench_type_${t}/1`, 'POST', body, {
      'x-api-key': producerKeys[t] ?? '',
    });
  } catch {
    answer = { status: 0 }; // connection error: not acknowledged, counted as rejected
  }
  if (answer.status === 200) {
    acknowledged?.push(performance.now() - at);
    if (measured !== undefined) accepted += 1;
  } else {
    sent.delete(n);
    rejected += 1;
    firstRefusal ??= `${answer.status} ${answer.text ?? '(no answer)'}`;
  }
}

/** Open loop: `rate` events/s, sent in 5 ms ticks, whatever the answers. */
async function sustained(broker: string, rate: number, seconds: number): Promise<void> {
  const tickMs = 5;
  const started = performance.now();
  let due = 0;
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < seconds * 1000) {
    const elapsed = performance.now() - started;
    const target = Math.floor((elapsed / 1000) * rate);
    for (; due < target; due += 1) {
      const p = publish(broker).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.all(inFlight);
}

/** Closed loop: `concurrency` producers, each sending its next event when the last is answered. */
async function saturate(broker: string, concurrency: number, seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await publish(broker);
    }),
  );
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere than Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface PhaseResult {
  readonly text: string;
  readonly perSecond: number;
  /** Server CPU (user + system) per accepted event, in microseconds. */
  readonly cpuPerEventUs: number;
  readonly p99: number;
  readonly ackP99: number;
  readonly undelivered: number;
}

async function phase(name: string, pid: number | undefined, run: () => Promise<void>): Promise<PhaseResult> {
  const load = loadavg()[0] ?? Number.NaN;
  const serverCpuBefore = cpuSeconds(pid);
  const benchCpuBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const measured: number[] = [];
  const acks: number[] = [];
  latencies = measured;
  acknowledgements = acks;
  accepted = 0;
  rejected = 0;
  firstRefusal = undefined;
  const started = performance.now();
  await run();
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuAfter = cpuSeconds(pid);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  loopDelay.disable();
  latencies = undefined;
  acknowledgements = undefined;
  const drainStart = performance.now();
  while (sent.size > 0 && performance.now() - drainStart < 10_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  if (rejected > accepted / 100)
    throw new Error(
      `${name}: ${rejected} of ${accepted + rejected} events refused, the first with ${firstRefusal}`,
    );
  const pick = quantiles(measured);
  const ack = quantiles(acks);
  const serverCpu =
    serverCpuBefore === undefined || serverCpuAfter === undefined
      ? Number.NaN
      : serverCpuAfter - serverCpuBefore;
  const cpuPerEventUs = (serverCpu / Math.max(1, accepted)) * 1e6;
  const text = [
    `${name} (${elapsed.toFixed(1)} s):`,
    `  accepted ${(accepted / elapsed).toFixed(0)} events/s (${accepted} events, ${rejected} rejected), delivered ${measured.length}, undelivered after 10 s ${sent.size}`,
    `  end-to-end latency p50 ${pick(0.5).toFixed(2)} ms, p99 ${pick(0.99).toFixed(2)} ms, max ${pick(1).toFixed(2)} ms`,
    `  acknowledgement (send → 200) p50 ${ack(0.5).toFixed(2)} ms, p99 ${ack(0.99).toFixed(2)} ms`,
    `  CPU: server ${((serverCpu / elapsed) * 100).toFixed(0)}% of a core = ${cpuPerEventUs.toFixed(0)} µs per event; producers + sink ${(((benchCpu.user + benchCpu.system) / 1e6 / elapsed) * 100).toFixed(0)}%; load average ${load.toFixed(2)} at the start`,
    `  event-loop delay of this process (producers + sink) p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} ms`,
  ].join('\n');
  return {
    text,
    perSecond: accepted / elapsed,
    cpuPerEventUs,
    p99: pick(0.99),
    ackP99: ack(0.99),
    undelivered: sent.size,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `q` → the q-quantile of `values` (1 = the largest). */
function quantiles(values: number[]): (q: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-bench-'));
  const sink = await startSink();
  const runtimeDir = path.join(dataDir, 'bridgeport');
  const runtime = await spawnRuntime({
    nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [],
    dataDir: runtimeDir,
    args: ['--env', 'bench'],
  });
  const token = await issueToken(await loadSigningKey(runtimeDir), { user: 'bench', teams: [], admin: true });
  headers.authorization = `Bearer ${token}`;
  const relay = await startRelay(path.join(dataDir, 'relay'), `http://127.0.0.1:${sink.port}/relay`);
  const servers = [
    { name: 'relay', url: relay.url, pid: relay.child.pid },
    { name: 'Bridgeport', url: runtime.brokerUrl, pid: runtime.child.pid },
  ] as const;
  try {
    console.log(
      `Setting up ${EVENT_TYPES} event types × ${UNITS} HTTPS subscriptions (loopback sink on port ${sink.port})…`,
    );
    await setUp(runtime.portalUrl, sink.port);
    for (const server of servers) await sustained(server.url, 1000, WARMUP_SECONDS);
    const saturation = new Map<string, PhaseResult[]>(servers.map((s) => [s.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const result = await phase(
          `Saturation, ${server.name}, ${CONCURRENCY} producers, round ${round + 1}/${ROUNDS}`,
          server.pid,
          () => saturate(server.url, CONCURRENCY, SECONDS),
        );
        console.log(result.text);
        saturation.get(server.name)?.push(result);
      }
    }
    const summary = (name: string): { perSecond: number; cpu: number; undelivered: number } => {
      const results = saturation.get(name) ?? [];
      return {
        perSecond: median(results.map((r) => r.perSecond)),
        cpu: median(results.map((r) => r.cpuPerEventUs)),
        undelivered: results.reduce((n, r) => n + r.undelivered, 0),
      };
    };
    const floor = summary('relay');
    const ours = summary('Bridgeport');
    const rate = RATE ?? Math.round(ours.perSecond / 2);
    const steady = await phase(`Sustained, Bridgeport, ${rate} events/s`, runtime.child.pid, () =>
      sustained(runtime.brokerUrl, rate, SECONDS),
    );
    console.log(steady.text);
    const throughputRatio = ours.perSecond / floor.perSecond;
    const cpuRatio = ours.cpu / floor.cpu;
    console.log(
      [
        '',
        `Saturation, median of ${ROUNDS} rounds:`,
        `  relay (floor)  ${floor.perSecond.toFixed(0)} events/s, ${floor.cpu.toFixed(0)} µs CPU per event`,
        `  Bridgeport     ${ours.perSecond.toFixed(0)} events/s, ${ours.cpu.toFixed(0)} µs CPU per event`,
        `  ratio to the relay: throughput ${throughputRatio.toFixed(2)}× (target ≥ 0.80×), CPU per event ${cpuRatio.toFixed(2)}× (target ≤ 1.30×)`,
        `Sustained at ${rate} events/s (${RATE === undefined ? 'half the measured saturation' : 'BENCH_RATE'}): p99 end-to-end ${steady.p99.toFixed(2)} ms, p99 acknowledgement ${steady.ackP99.toFixed(2)} ms (target p99 ≤ 20 ms); undelivered ${steady.undelivered + ours.undelivered + floor.undelivered}`,
        `(${received} deliveries in total; data in ${dataDir}, removed)`,
      ].join('\n'),
    );
  } finally {
    for (const child of [runtime.child, relay.child]) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    sink.server.close();
    sink.server.closeAllConnections();
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
