import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpTargetDispatcher, LocalBus } from '../../src/index';
import { startSink } from './fixtures/sink';

const PACKAGE_DIR = path.resolve(__dirname, '../..');

/** Runs the producer fixture until it has printed `count` acknowledged ids, then SIGKILLs it. */
function runAndKill(dataDir: string, targetUrl: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures/producer.ts'), dataDir, targetUrl],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked: string[] = [];
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (!killed && acked.length >= count) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`producer exited without being killed: ${stderr}`));
    });
  });
}

describe('LocalBus after kill -9', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-crash-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every acknowledged event once the bus is opened again', async () => {
    // The consumer is down while the producer runs: nothing is delivered before the crash.
    const down = await startSink(() => 503);
    const acked = await runAndKill(dataDir, down.url, 300);
    await down.close();
    const sink = await startSink();
    const bus = await LocalBus.open({
      dataDir,
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      backoff: { baseMs: 2, capMs: 10 },
    });
    await bus.topology.putTargets({
      Rule: 'all',
      EventBusName: 'crash.bus',
      Targets: [{ Id: 'sink', Arn: sink.url }],
    });

    await bus.whenIdle();
    await bus.close();
    await sink.close();

    const delivered = new Set(sink.received.map((request) => JSON.parse(request.body).id as string));
    expect(acked.length).toBeGreaterThanOrEqual(300);
    expect(acked.filter((id) => !delivered.has(id))).toEqual([]);
  }, 60_000);
});
