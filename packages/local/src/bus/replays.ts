import { readFile } from 'node:fs/promises';
import type { EventArchives } from './archive';
import { writeFileAtomic } from './durable-file';
import { BusResourceAlreadyExistsError, BusResourceNotFoundError, BusValidationError } from './errors';
import type { EventBridgeEvent } from './types';

/** A replay's states, as EventBridge names them. */
export const ReplayState = {
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  CANCELLING: 'CANCELLING',
  COMPLETED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  FAILED: 'FAILED',
} as const;
export type ReplayState = (typeof ReplayState)[keyof typeof ReplayState];

const ACTIVE: readonly ReplayState[] = [ReplayState.STARTING, ReplayState.RUNNING, ReplayState.CANCELLING];
const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** A replay, as `DescribeReplay` shows it (times in epoch milliseconds). */
export interface ReplayDescription {
  readonly ReplayName: string;
  readonly ReplayArn: string;
  readonly Description?: string;
  readonly State: ReplayState;
  readonly StateReason?: string;
  readonly EventSourceArn: string;
  readonly Destination: { readonly Arn: string; readonly FilterArns?: readonly string[] };
  readonly EventStartTime: number;
  readonly EventEndTime: number;
  readonly EventLastReplayedTime?: number;
  readonly ReplayStartTime: number;
  readonly ReplayEndTime?: number;
}

export interface StartReplayInput {
  readonly ReplayName: string;
  readonly Description?: string;
  readonly EventSourceArn: string;
  readonly EventStartTime: number;
  readonly EventEndTime: number;
  readonly Destination: { readonly Arn: string; readonly FilterArns?: readonly string[] };
}

/** Where replayed events go: the destination bus, routed only to the given rules (all when undefined). */
export type ReplayTarget = (
  busArn: string,
  event: EventBridgeEvent,
  ruleArns: readonly string[] | undefined,
) => Promise<void>;

export interface ReplaysOptions {
  readonly archives: EventArchives;
  /** Where replays are kept (a JSON file). */
  readonly file: string;
  readonly target: ReplayTarget;
  /** `arn:…:events:region:account:replay/{name}`. */
  readonly replayArn: (name: string) => string;
  /** Whether the rule (by ARN) exists on the bus (by ARN). */
  readonly ruleExists: (busArn: string, ruleArn: string) => boolean;
  /** Events replayed per second at most. @default 500 */
  readonly ratePerSecond?: number;
  readonly now?: () => number;
}

/**
 * Replays from an archive, as EventBridge runs them: `StartReplay` checks the window against the archive's
 * retention, then events of the window are put back on the destination bus, in order, at a bounded rate, each
 * with a `replay-name` field, and routed only to the rules in `Destination.FilterArns`. State and progress
 * (`EventLastReplayedTime`) are kept in a file; a replay cut short by a stop is FAILED at the next start.
 */
export class Replays {
  private readonly cancelled = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly rate: number;
  private closed = false;

  private constructor(
    private readonly options: ReplaysOptions,
    private readonly replays: Map<string, ReplayDescription>,
  ) {
    this.now = options.now ?? Date.now;
    this.rate = options.ratePerSecond ?? 500;
  }

  static async open(options: ReplaysOptions): Promise<Replays> {
    let stored: ReplayDescription[] = [];
    try {
      stored = JSON.parse(await readFile(options.file, 'utf8')) as ReplayDescription[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const replays = new Map<string, ReplayDescription>();
    for (const replay of stored) {
      replays.set(
        replay.ReplayName,
        ACTIVE.includes(replay.State)
          ? { ...replay, State: ReplayState.FAILED, StateReason: 'The runtime stopped during the replay.' }
          : replay,
      );
    }
    return new Replays(options, replays);
  }

  /** `StartReplay`. */
  async start(input: StartReplayInput): Promise<{
    ReplayArn: string;
    State: ReplayState;
    StateReason: string;
    ReplayStartTime: number;
  }> {
    const { archives } = this.options;
    if (typeof input.ReplayName !== 'string' || !REPLAY_NAME.test(input.ReplayName)) {
      throw new BusValidationError(
        `Parameter ReplayName is not valid. Reason: it must be 1 to 64 of [.\\-_A-Za-z0-9].`,
      );
    }
    if (this.replays.has(input.ReplayName)) {
      throw new BusResourceAlreadyExistsError(`Replay ${input.ReplayName} already exists.`);
    }
    const archive = archives.describe(input.EventSourceArn);
    const { EventStartTime: from, EventEndTime: to } = input;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
      throw new BusValidationError(
        'Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    }
    if (to > this.now()) {
      throw new BusValidationError(
        'Parameter EventEndTime is not valid. Reason: EventEndTime must not be in the future.',
      );
    }
    const keptSince = archives.keptSince(archive.ArchiveName);
    if (from < keptSince) {
      throw new BusValidationError(
        `Parameter EventStartTime is not valid. Reason: the archive ${archive.ArchiveName} keeps events since ${new Date(keptSince).toISOString()} (retention ${archive.RetentionDays} days).`,
      );
    }
    if (input.Destination?.Arn !== archive.EventSourceArn) {
      throw new BusValidationError(
        'Parameter Destination.Arn is not valid. Reason: it must be the event bus the archive was created on.',
      );
    }
    for (const ruleArn of input.Destination.FilterArns ?? []) {
      if (!this.options.ruleExists(archive.EventSourceArn, ruleArn)) {
        throw new BusResourceNotFoundError(`Rule ${ruleArn} does not exist.`);
      }
    }
    const replay: ReplayDescription = {
      ReplayName: input.ReplayName,
      ReplayArn: this.options.replayArn(input.ReplayName),
      ...(input.Description === undefined ? {} : { Description: input.Description }),
      State: ReplayState.STARTING,
      EventSourceArn: archive.ArchiveArn,
      Destination: {
        Arn: input.Destination.Arn,
        ...(input.Destination.FilterArns === undefined
          ? {}
          : { FilterArns: [...input.Destination.FilterArns] }),
      },
      EventStartTime: from,
      EventEndTime: to,
      ReplayStartTime: this.now(),
    };
    await this.save(replay);
    const run = this.run(replay).finally(() => this.running.delete(run));
    this.running.add(run);
    return {
      ReplayArn: replay.ReplayArn,
      State: replay.State,
      StateReason: 'Replay is starting.',
      ReplayStartTime: replay.ReplayStartTime,
    };
  }

  /** `DescribeReplay`. */
  describe(name: string): ReplayDescription {
    const replay = this.replays.get(name);
    if (replay === undefined) throw new BusResourceNotFoundError(`Replay ${name} does not exist.`);
    return replay;
  }

  /** `ListReplays`, by name. */
  list(filter: { readonly namePrefix?: string; readonly state?: string; readonly eventSourceArn?: string }) {
    return [...this.replays.values()]
      .filter(
        (replay) =>
          (filter.namePrefix === undefined || replay.ReplayName.startsWith(filter.namePrefix)) &&
          (filter.state === undefined || replay.State === filter.state) &&
          (filter.eventSourceArn === undefined || replay.EventSourceArn === filter.eventSourceArn),
      )
      .sort((a, b) => a.ReplayName.localeCompare(b.ReplayName));
  }

  /** `CancelReplay`: a replay that has not ended stops after the event being replayed. */
  async cancel(name: string): Promise<{ ReplayArn: string; State: ReplayState }> {
    const replay = this.describe(name);
    if (!ACTIVE.includes(replay.State)) {
      throw new BusValidationError(`Replay ${name} is ${replay.State} and cannot be cancelled.`);
    }
    this.cancelled.add(name);
    await this.save({ ...replay, State: ReplayState.CANCELLING });
    return { ReplayArn: replay.ReplayArn, State: ReplayState.CANCELLING };
  }

  /** Resolves when no replay is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops running replays (they are FAILED at the next start) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }

  private async run(started: ReplayDescription): Promise<void> {
    let replay: ReplayDescription = { ...started, State: ReplayState.RUNNING };
    await this.save(replay);
    const { archives, target } = this.options;
    const began = this.now();
    let count = 0;
    try {
      for await (const { event } of archives.read(
        replay.EventSourceArn,
        replay.EventStartTime,
        replay.EventEndTime,
      )) {
        if (this.closed) return;
        if (this.cancelled.has(replay.ReplayName)) break;
        await target(
          replay.Destination.Arn,
          { ...event, 'replay-name': replay.ReplayName },
          replay.Destination.FilterArns,
        );
        count += 1;
        replay = { ...replay, EventLastReplayedTime: Date.parse(event.time) };
        // The rate bound: event n starts no earlier than n / rate seconds after the first.
        const due = began + (count / this.rate) * 1000;
        if (due > this.now()) await new Promise((resolve) => setTimeout(resolve, due - this.now()));
        if (count % 100 === 0) await this.save(replay);
      }
      const cancelled = this.cancelled.delete(replay.ReplayName);
      await this.save({
        ...replay,
        State: cancelled ? ReplayState.CANCELLED : ReplayState.COMPLETED,
        StateReason: cancelled ? 'Replay was cancelled.' : `Replayed ${count} event(s).`,
        ReplayEndTime: this.now(),
      });
    } catch (error) {
      await this.save({
        ...replay,
        State: ReplayState.FAILED,
        StateReason: `Replay failed: ${(error as Error).message}`,
        ReplayEndTime: this.now(),
      });
    }
  }

  private async save(replay: ReplayDescription): Promise<void> {
    this.replays.set(replay.ReplayName, replay);
    await writeFileAtomic(this.options.file, JSON.stringify([...this.replays.values()]));
  }
}
