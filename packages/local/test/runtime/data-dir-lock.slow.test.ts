import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCK_FILE, lockDataDir } from '../../src/runtime/data-dir-lock';
import { DataDirectoryLockedError } from '../../src/runtime/errors';

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixtures/lock-data-dir.ts');

interface Contender {
  readonly child: ChildProcess;
  /** The first line after `ready`: `won`, `locked <pid> <message>` or `error <message>`. */
  readonly outcome: Promise<string>;
  readonly ready: Promise<void>;
}

/** A process ready to take the lock; `jitter`: its file operations wait a random moment first. */
function contender(dataDir: string, jitter = false): Contender {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, dataDir, ...(jitter ? ['jitter'] : [])],
    {
      cwd: PACKAGE_DIR,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  let onOutcome: (line: string) => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const outcome = new Promise<string>((resolve, reject) => {
    onOutcome = resolve;
    child.on('exit', (code) => reject(new Error(`contender exited (${code}) early: ${stderr}`)));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') onReady();
      else onOutcome(line);
    }
  });
  return { child, outcome, ready };
}

/** Starts `count` processes, lets them all try the lock at the same moment and collects their outcomes. */
async function race(
  dataDir: string,
  count: number,
  jitter = false,
): Promise<{ contenders: Contender[]; outcomes: string[] }> {
  const contenders = Array.from({ length: count }, () => contender(dataDir, jitter));
  await Promise.all(contenders.map((each) => each.ready));
  for (const each of contenders) each.child.stdin?.write('go\n');
  return { contenders, outcomes: await Promise.all(contenders.map((each) => each.outcome)) };
}

async function stopAll(contenders: readonly Contender[]): Promise<void> {
  await Promise.all(
    contenders.map(
      (each) =>
        new Promise<void>((resolve) => {
          if (each.child.exitCode !== null) return resolve();
          each.child.once('exit', () => resolve());
          each.child.stdin?.end();
          setTimeout(() => each.child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('the data directory lock', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-lock-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('can be taken after an attempt that failed before claiming it (its folder missing)', async () => {
    const later = path.join(dataDir, 'later');

    await expect(lockDataDir(later)).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(later);
    const lock = await lockDataDir(later);

    expect(await readFile(path.join(later, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('lets exactly one of many attempts at the same moment in one process take it', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => lockDataDir(dataDir)));

    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason] : []));
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const error of refused) {
      expect(error).toBeInstanceOf(DataDirectoryLockedError);
      expect(error).toMatchObject({ dataDir, pid: process.pid });
      expect((error as Error).message).toContain(dataDir);
    }
    expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    if (won[0]?.status === 'fulfilled') await won[0].value.release();
  });

  it('lets exactly one of several processes starting at the same moment take it; the others name it', async () => {
    const { contenders, outcomes } = await race(dataDir, 5);
    try {
      const winners = contenders.filter((_, index) => outcomes[index] === 'won');
      expect(winners).toHaveLength(1);
      const holder = winners[0]?.child.pid;
      const refusals = outcomes.filter((outcome) => outcome !== 'won');
      expect(refusals).toHaveLength(4);
      for (const refusal of refusals) {
        expect(refusal).toMatch(/^locked (\d+) /);
        expect(Number(/^locked (\d+) /.exec(refusal)?.[1])).toBe(holder);
        expect(refusal).toContain(
          `Data directory ${dataDir} is in use by another Bridgeport (process ${holder})`,
        );
      }
      expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${holder}\n`);
    } finally {
      await stopAll(contenders);
    }
  }, 60_000);

  it('takes over the lock of a process that is gone, once, when several processes try at the same moment', async () => {
    await writeFile(path.join(dataDir, LOCK_FILE), `${await deadPid()}\n`);

    const { contenders, outcomes } = await race(dataDir, 4);
    try {
      const winners = contenders.filter((_, index) => outcomes[index] === 'won');
      expect(winners).toHaveLength(1);
      const holder = winners[0]?.child.pid;
      expect(outcomes.filter((outcome) => outcome.startsWith(`locked ${holder} `))).toHaveLength(3);
      expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${holder}\n`);
    } finally {
      await stopAll(contenders);
    }
  }, 60_000);

  /**
   * Rounds of a race of processes whose file operations wait a random moment first: each round leaves a dead
   * owner's lock and, beside it, the takeover guard `leaveGuard` makes for a taker that crashed.
   */
  async function raceAfterCrashedTakeover(leaveGuard: (guard: string, taker: number) => Promise<void>) {
    for (let round = 0; round < 6; round += 1) {
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir);
      await writeFile(path.join(dataDir, LOCK_FILE), `${await deadPid()}\n`);
      await leaveGuard(path.join(dataDir, `${LOCK_FILE}.takeover`), await deadPid());

      const { contenders, outcomes } = await race(dataDir, 6, true);
      try {
        const winners = contenders.filter((_, index) => outcomes[index] === 'won');
        expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
        const holder = winners[0]?.child.pid;
        const pids = contenders.map((each) => each.child.pid);
        for (const refusal of outcomes.filter((outcome) => outcome !== 'won')) {
          // Refused naming a live contender: the winner, or one taking the lock over at that moment.
          expect(refusal).toMatch(/^locked \d+ Data directory /);
          expect(pids).toContain(Number(/^locked (\d+) /.exec(refusal)?.[1]));
        }
        expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${holder}\n`);
        await expect(readdir(dataDir)).resolves.toEqual([LOCK_FILE]);
      } finally {
        await stopAll(contenders);
      }
    }
  }

  it('takes over once when several processes meet the guard file of a taker that crashed (earlier versions)', async () => {
    await raceAfterCrashedTakeover((guard, taker) => writeFile(guard, `${taker}\n`));
  }, 240_000);

  it('takes over once when several processes meet the guard folder of a taker that crashed', async () => {
    await raceAfterCrashedTakeover(async (guard, taker) => {
      await mkdir(guard);
      await writeFile(path.join(guard, `${taker}.0123456789ab`), `${taker}\n`);
    });
  }, 240_000);

  it('is taken again once released, and a lock naming this process from an earlier run is taken over', async () => {
    const first = await lockDataDir(dataDir);
    await first.release();
    await expect(readFile(path.join(dataDir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    await writeFile(path.join(dataDir, LOCK_FILE), `${process.pid}\n`);
    const second = await lockDataDir(dataDir);
    expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockDataDir(dataDir)).rejects.toThrow(new DataDirectoryLockedError(dataDir, process.pid));
    await second.release();
  });

  it('refuses while a live process holds it, leaving its lock alone', async () => {
    const holder = contender(dataDir);
    await holder.ready;
    holder.child.stdin?.write('go\n');
    try {
      expect(await holder.outcome).toBe('won');
      await expect(lockDataDir(dataDir)).rejects.toThrow(
        new DataDirectoryLockedError(dataDir, holder.child.pid ?? 0),
      );
      expect(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${holder.child.pid}\n`);
    } finally {
      await stopAll([holder]);
    }
  }, 30_000);
});
