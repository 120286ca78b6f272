/**
 * End-to-end benchmark of the local runtime (`pnpm bench:e2e`): `bridgeport start` runs as its own process;
 * this process creates 10 event types with 10 HTTPS subscriptions each (one per target unit, so every event
 * matches exactly one subscription), serves the consumers from one loopback HTTP sink, and drives concurrent
 * producers against the producer endpoint. It prints accepted events/s and end-to-end latency (producer send →
 * sink receipt), first at a sustained target rate, then at saturation. Loopback only; stops by itself.
 *
 * Settings (environment): BENCH_RATE (events/s of the sustained phase, default 3000), BENCH_SECONDS (per
 * phase, default 10), BENCH_CONCURRENCY (saturation producers, default 64).
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

const EVENT_TYPES = 10;
const UNITS = 10;
const RATE = Number(process.env.BENCH_RATE ?? 3000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
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

function request(url: string, method: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers:
          payload === undefined
            ? headers
            : {
                ...headers,
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

async function startRuntime(
  dataDir: string,
): Promise<{ child: ChildProcess; portal: string; broker: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
      '--import',
      'tsx',
      'src/cli.ts',
      'start',
      '--data-dir',
      dataDir,
      '--portal-port',
      '0',
      '--broker-port',
      '0',
      '--aws-port',
      '0',
      '--env',
      'bench',
    ],
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
      const portal = /Portal API\s+(http:\/\/\S+)/.exec(out);
      const broker = /Producer endpoint\s+(http:\/\/\S+)/.exec(out);
      if (out.includes('Bridgeport is ready') && portal && broker)
        resolve({ child, portal: portal[1], broker: broker[1] });
    });
    child.once('exit', (code) => reject(new Error(`bridgeport exited with ${code}:\n${out}`)));
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
  let answer: { status: number };
  try {
    answer = await request(`${broker}/bench_type_${t}/1`, 'POST', body);
  } catch {
    answer = { status: 0 }; // connection error: not acknowledged, counted as rejected
  }
  if (answer.status === 200) {
    acknowledged?.push(performance.now() - at);
    if (measured !== undefined) accepted += 1;
  } else {
    sent.delete(n);
    rejected += 1;
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

let runtimePid: number | undefined;

async function phase(name: string, run: () => Promise<void>, seconds: number): Promise<string> {
  const load = loadavg()[0] ?? Number.NaN;
  const runtimeCpuBefore = cpuSeconds(runtimePid);
  const benchCpuBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const measured: number[] = [];
  const acks: number[] = [];
  latencies = measured;
  acknowledgements = acks;
  accepted = 0;
  rejected = 0;
  const started = performance.now();
  await run();
  const elapsed = (performance.now() - started) / 1000;
  const runtimeCpuAfter = cpuSeconds(runtimePid);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  loopDelay.disable();
  latencies = undefined;
  acknowledgements = undefined;
  const drainStart = performance.now();
  while (sent.size > 0 && performance.now() - drainStart < 10_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const pick = quantiles(measured);
  const ack = quantiles(acks);
  return [
    `${name} (${seconds} s):`,
    `  accepted ${(accepted / elapsed).toFixed(0)} events/s (${accepted} events, ${rejected} rejected), delivered ${measured.length}, undelivered after 10 s ${sent.size}`,
    `  end-to-end latency p50 ${pick(0.5).toFixed(2)} ms, p99 ${pick(0.99).toFixed(2)} ms, max ${pick(1).toFixed(2)} ms`,
    `  acknowledgement (send → 200) p50 ${ack(0.5).toFixed(2)} ms, p99 ${ack(0.99).toFixed(2)} ms`,
    `  CPU: runtime ${percent(runtimeCpuBefore, runtimeCpuAfter, elapsed)}, producers + sink ${(((benchCpu.user + benchCpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core; machine load average ${load.toFixed(2)} at the start`,
    `  event-loop delay of this process (producers + sink) p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} ms`,
  ].join('\n');
}

/** `q` → the q-quantile of `values` (1 = the largest). */
function quantiles(values: number[]): (q: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function percent(before: number | undefined, after: number | undefined, elapsed: number): string {
  return before === undefined || after === undefined
    ? 'n/a'
    : `${(((after - before) / elapsed) * 100).toFixed(0)}%`;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-bench-'));
  const sink = await startSink();
  const runtime = await startRuntime(dataDir);
  runtimePid = runtime.child.pid;
  const token = await issueToken(await loadSigningKey(dataDir), { user: 'bench', teams: [], admin: true });
  headers.authorization = `Bearer ${token}`;
  try {
    console.log(
      `Setting up ${EVENT_TYPES} event types × ${UNITS} HTTPS subscriptions (loopback sink on port ${sink.port})…`,
    );
    await setUp(runtime.portal, sink.port);
    await sustained(runtime.broker, Math.min(RATE, 1000), WARMUP_SECONDS);
    const results = [
      await phase(`Sustained at ${RATE} events/s`, () => sustained(runtime.broker, RATE, SECONDS), SECONDS),
      await phase(
        `Saturation with ${CONCURRENCY} producers`,
        () => saturate(runtime.broker, CONCURRENCY, SECONDS),
        SECONDS,
      ),
    ];
    console.log(results.join('\n'));
    console.log(`(${received} deliveries in total; data in ${dataDir}, removed)`);
  } finally {
    runtime.child.kill('SIGTERM');
    await new Promise((resolve) => runtime.child.once('exit', resolve));
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
