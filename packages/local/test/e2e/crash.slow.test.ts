import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type RuntimeProcess, spawnRuntime } from '../../src/runtime/process';
import {
  call,
  createEventType,
  envelope,
  PACKAGE_DIR,
  producerKey,
  type Sink,
  startSink,
  subscribe,
  tempDataDir,
  useTestSigningKey,
  waitFor,
} from './support';

const FUNCTIONS_DIR = path.join(PACKAGE_DIR, 'test', 'fixtures', 'functions');
const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:record_event';

/** `bridgeport start` as its own process, as `pnpm start` runs it, on free ports. */
function startChild(dataDir: string, lambdaOutput: string): Promise<RuntimeProcess> {
  return spawnRuntime({
    dataDir,
    args: ['--env', 'crash', '--retry-base-ms', '20', '--functions', FUNCTIONS_DIR],
    env: {
      ...process.env,
      BRIDGEPORT_TEST_LAMBDA_OUTPUT: lambdaOutput,
      BRIDGEPORT_TEST_LAMBDA_FAILURE_SWITCH: `${lambdaOutput}.failing`,
    },
  });
}

describe('bridgeport start as a process', () => {
  let dataDir: string;
  let sink: Sink;
  let lambdaOutput: string;
  let lambdaFailureSwitch: string;
  const children: RuntimeProcess[] = [];

  beforeAll(async () => {
    dataDir = await tempDataDir('crash');
    useTestSigningKey(dataDir);
    lambdaOutput = path.join(dataDir, 'lambda-events.jsonl');
    lambdaFailureSwitch = `${lambdaOutput}.failing`;
    sink = await startSink();
  });

  afterAll(async () => {
    for (const runtime of children) if (runtime.child.exitCode === null) runtime.child.kill('SIGKILL');
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every acknowledged event after kill -9 and a restart, to HTTPS and Lambda consumers', async () => {
    const first = await startChild(dataDir, lambdaOutput);
    children.push(first);
    await createEventType(first.portalUrl, 'scanned_parcel');
    const key = await producerKey(first.portalUrl, 'scanned_parcel');
    await subscribe(first.portalUrl, 'scanned_parcel', { connection_string: sink.url('/all') });
    await subscribe(first.portalUrl, 'scanned_parcel', {
      connection_type: 'LAMBDA',
      connection_string: LAMBDA_ARN,
    });

    // Both consumers fail while 8 producers stream events, so deliveries are owed when the runtime is
    // killed (once 150 events are acknowledged); they recover before the restart.
    sink.always('/all', 503);
    await writeFile(lambdaFailureSwitch, 'failing');
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const producer = async (): Promise<void> => {
      while (!killed) {
        const n = sent++;
        try {
          const answer = await call(
            'POST',
            `${first.brokerUrl}/scanned_parcel/1`,
            envelope('any', { parcel_id: `p-${n}`, weight_kg: n }),
            key,
          );
          if (answer.status === 200) acknowledged.push((answer.body as { event_id: string }).event_id);
        } catch {
          return; // the connection died with the process: not acknowledged
        }
        if (acknowledged.length >= 150 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, producer));
    expect(await first.exited).toBeNull();
    const failedAttempts = sink.on('/all').length;
    sink.always('/all', 200);
    await rm(lambdaFailureSwitch);

    const second = await startChild(dataDir, lambdaOutput);
    children.push(second);
    const delivered = (): Set<string> =>
      new Set(
        sink
          .on('/all')
          .slice(failedAttempts)
          .map((request) => JSON.parse(request.body).id as string),
      );
    const invoked = async (): Promise<Set<string>> => {
      const text = await readFile(lambdaOutput, 'utf8').catch(() => '');
      return new Set(
        text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => (JSON.parse(line) as { event: { id: string } }).event.id),
      );
    };
    await waitFor(
      'every acknowledged event at the HTTPS consumer',
      () => acknowledged.every((id) => delivered().has(id)),
      20_000,
    );
    const lambdaIds = await waitFor(
      'every acknowledged event at the Lambda consumer',
      async () => {
        const seen = await invoked();
        return acknowledged.every((id) => seen.has(id)) ? seen : undefined;
      },
      20_000,
    );

    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(failedAttempts).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => !delivered().has(id))).toEqual([]);
    expect(acknowledged.filter((id) => !lambdaIds.has(id))).toEqual([]);
    const lambdaLine = (await readFile(lambdaOutput, 'utf8')).split('\n')[0];
    expect(JSON.parse(lambdaLine)).toMatchObject({
      function: 'record_event',
      event: {
        'detail-type': 'scanned_parcel.1',
        source: 'parcel-tracking',
        detail: { data: { weight_kg: expect.any(Number) } },
      },
    });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output.join('')).toContain('Bridgeport stopped.');
  }, 60_000); // two process starts: slow on a busy machine
});
