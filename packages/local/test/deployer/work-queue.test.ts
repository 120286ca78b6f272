import { KeyedWorkQueue, type RunFailure, settlesWithin } from '../../src/deployer/work-queue';

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets pending promise callbacks run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the keyed work queue', () => {
  it('runs one key one run at a time and coalesces the changes that arrive meanwhile into one more run', async () => {
    const first = gate();
    const runs: string[] = [];
    let running = 0;
    let overlapped = false;
    const queue = new KeyedWorkQueue<string>({
      concurrency: 4,
      taskTimeoutMs: 5000,
      run: async (id, _key, _signal, quiet) => {
        running += 1;
        overlapped ||= running > 1;
        runs.push(`${id}:${quiet ? 'quiet' : 'loud'}`);
        if (runs.length === 1) await first.promise;
        running -= 1;
      },
      failed: async () => undefined,
    });

    const done = queue.schedule('a', 'a', true);
    await tick();
    void queue.schedule('a', 'a', false);
    void queue.schedule('a', 'a', false);
    void queue.schedule('a', 'a', false);
    expect(queue.size).toBe(1);
    first.open();
    await done;

    expect(runs).toEqual(['a:quiet', 'a:loud']);
    expect(overlapped).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('runs at most `concurrency` keys side by side, the others in order as slots free up', async () => {
    const gates = new Map<string, Gate>();
    const started: string[] = [];
    const queue = new KeyedWorkQueue<string>({
      concurrency: 2,
      taskTimeoutMs: 5000,
      run: async (id) => {
        started.push(id);
        const held = gate();
        gates.set(id, held);
        await held.promise;
      },
      failed: async () => undefined,
    });

    const all = ['a', 'b', 'c', 'd'].map((id) => queue.schedule(id, id, false));
    await tick();
    expect(started).toEqual(['a', 'b']);
    gates.get('a')?.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    for (const id of ['b', 'c']) gates.get(id)?.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.get('d')?.open();
    await Promise.all(all);
    expect(queue.size).toBe(0);
  });

  it('abandons a run past `taskTimeoutMs`, aborting its signal, and reports it as timed out; a failed run with its error', async () => {
    const failures: [string, RunFailure][] = [];
    let slowSignal: AbortSignal | undefined;
    const queue = new KeyedWorkQueue<string>({
      concurrency: 2,
      taskTimeoutMs: 50,
      run: async (id, _key, signal) => {
        if (id === 'broken') throw new Error('no such bucket');
        slowSignal = signal;
        await new Promise(() => undefined);
      },
      failed: async (id, _key, failure) => {
        failures.push([id, failure]);
      },
    });

    await Promise.all([queue.schedule('slow', 'slow', false), queue.schedule('broken', 'broken', false)]);

    expect(slowSignal?.aborted).toBe(true);
    expect(failures).toEqual(
      expect.arrayContaining([
        ['slow', { timedOut: true }],
        ['broken', { timedOut: false, error: new Error('no such bucket') }],
      ]),
    );
    expect(failures).toHaveLength(2);
  });

  it('abandons the runs in progress without reporting them, and starts no run once closed', async () => {
    const failed = jest.fn(async () => undefined);
    const started: string[] = [];
    const queue = new KeyedWorkQueue<string>({
      concurrency: 1,
      taskTimeoutMs: 5000,
      run: async (id, _key, signal) => {
        started.push(id);
        await new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
      failed,
    });

    const running = queue.schedule('a', 'a', false);
    const waiting = queue.schedule('b', 'b', false);
    await tick();
    queue.close();
    expect(queue.abandonAll()).toEqual(['a', 'b']);
    await Promise.all([running, waiting]);

    expect(started).toEqual(['a']);
    expect(failed).not.toHaveBeenCalled();
    expect(queue.size).toBe(0);
  });

  it('bounds other work by `taskTimeoutMs` too', async () => {
    const queue = new KeyedWorkQueue<string>({
      concurrency: 1,
      taskTimeoutMs: 30,
      run: async () => undefined,
      failed: async () => undefined,
    });

    await expect(queue.bounded(async () => 'listed')).resolves.toBe('listed');
    await expect(queue.bounded(() => new Promise(() => undefined))).rejects.toThrow('Gave up after 0.03 s');
  });
});

describe('settlesWithin', () => {
  it('tells whether a promise settled (resolved or rejected) in time', async () => {
    await expect(settlesWithin(Promise.resolve(), 1000)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('x')), 1000)).resolves.toBe(true);
    await expect(settlesWithin(new Promise(() => undefined), 20)).resolves.toBe(false);
  });
});
