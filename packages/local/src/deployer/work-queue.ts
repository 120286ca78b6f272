/**
 * The deployer's keyed work queue: at most one run per key at a time, changes that arrive meanwhile coalesced
 * into one more run, at most `concurrency` runs side by side, and every run bounded by `taskTimeoutMs`.
 */

/** Why a run was abandoned. */
const Abandoned = { TIMEOUT: 'timeout', CLOSING: 'closing' } as const;

/** How a run ended when it did not succeed: it ran past the timeout, or it failed with `error`. */
export type RunFailure = { readonly timedOut: true } | { readonly timedOut: false; readonly error: unknown };

export interface KeyedWorkQueueOptions<K> {
  /** Most runs at the same time. */
  readonly concurrency: number;
  /** Longest one run may take; beyond it, the run is abandoned and reported as timed out. */
  readonly taskTimeoutMs: number;
  /** One run for `id`; `signal` aborts when the run is abandoned. */
  readonly run: (id: string, key: K, signal: AbortSignal, quiet: boolean) => Promise<void>;
  /** Called after a run that timed out or failed (not after one abandoned by `abandonAll`). */
  readonly failed: (id: string, key: K, failure: RunFailure) => Promise<void>;
}

/** The work owed for one key: at most one run at a time, later changes coalesced into one more run. */
interface KeyWork {
  /** A change arrived that the current run (if any) has not read yet. */
  again: boolean;
  /** The run in progress, to abandon it. */
  controller: AbortController | undefined;
  /** Settles once no run is owed for the key. */
  done: Promise<void>;
}

export class KeyedWorkQueue<K> {
  private readonly work = new Map<string, KeyWork>();
  private readonly slots: Semaphore;
  private closed = false;

  constructor(private readonly options: KeyedWorkQueueOptions<K>) {
    this.slots = new Semaphore(options.concurrency);
  }

  /** Keys with a run owed or in progress. */
  get size(): number {
    return this.work.size;
  }

  keys(): IterableIterator<string> {
    return this.work.keys();
  }

  /** Settles once every run owed now is done. */
  settled(): Promise<unknown> {
    return Promise.all([...this.work.values()].map((work) => work.done));
  }

  /** Starts no further run. */
  close(): void {
    this.closed = true;
  }

  /** Abandons the runs in progress (they record nothing more); returns the keys that had work owed. */
  abandonAll(): string[] {
    const abandoned = [...this.work.keys()];
    for (const work of this.work.values()) work.controller?.abort(Abandoned.CLOSING);
    return abandoned;
  }

  /**
   * Owes one more run for `id`: starts one, or (a run being owed or in progress) makes sure one more
   * follows. Resolves once no run is owed for the key. `quiet` is handed to the first run only.
   */
  schedule(id: string, key: K, quiet: boolean): Promise<void> {
    const existing = this.work.get(id);
    if (existing !== undefined) {
      existing.again = true;
      return existing.done;
    }
    const work: KeyWork = { again: true, controller: undefined, done: Promise.resolve() };
    this.work.set(id, work);
    work.done = this.drain(id, key, work, quiet);
    return work.done;
  }

  /** Runs `work` with a signal that aborts after `taskTimeoutMs`; rejects then. */
  async bounded<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { taskTimeoutMs } = this.options;
    const signal = AbortSignal.timeout(taskTimeoutMs);
    const abandoned = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error(`Gave up after ${taskTimeoutMs / 1000} s`)), {
        once: true,
      }),
    );
    abandoned.catch(() => undefined);
    return Promise.race([work(signal), abandoned]);
  }

  private async drain(id: string, key: K, work: KeyWork, quiet: boolean): Promise<void> {
    let quietRun = quiet;
    try {
      while (work.again && !this.closed) {
        await this.slots.acquire();
        try {
          if (this.closed) break;
          work.again = false;
          await this.run(id, key, work, quietRun);
          quietRun = false;
        } finally {
          this.slots.release();
        }
      }
    } finally {
      this.work.delete(id);
    }
  }

  /** One run for a key, bounded by `taskTimeoutMs`; never rejects. */
  private async run(id: string, key: K, work: KeyWork, quiet: boolean): Promise<void> {
    const controller = new AbortController();
    work.controller = controller;
    const timer = setTimeout(() => controller.abort(Abandoned.TIMEOUT), this.options.taskTimeoutMs);
    const abandoned = new Promise<void>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    let failure: unknown;
    const task = this.options.run(id, key, controller.signal, quiet).catch((error: unknown) => {
      failure = error;
    });
    try {
      await Promise.race([task, abandoned]);
    } finally {
      clearTimeout(timer);
      work.controller = undefined;
    }
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason === Abandoned.CLOSING) return;
    if (controller.signal.aborted && reason === Abandoned.TIMEOUT) {
      await this.options.failed(id, key, { timedOut: true });
    } else if (failure !== undefined) {
      await this.options.failed(id, key, { timedOut: false, error: failure });
    }
  }
}

/** At most `limit` holders at a time; waiters are served in order. */
class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.held -= 1;
    else next();
  }
}

/** Whether `promise` settled within `ms` (false when it did not). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
