import type { LocalBus } from '../../bus/local-bus';
import type { ReplayDescription } from '../../bus/replays';
import { AwsServiceError } from '../protocol';

type Input = Record<string, unknown>;
type Operation = (bus: LocalBus, input: Input) => unknown | Promise<unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Seconds since the epoch, as AWS JSON 1.1 writes timestamps. */
const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** An AWS JSON 1.1 timestamp (epoch seconds, or ISO-8601 text) in epoch milliseconds. */
function timestamp(input: Input, field: string): number {
  const value = input[field];
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new AwsServiceError(
      'ValidationException',
      `Parameter ${field} is not valid. Reason: ${field} is required.`,
    );
  }
  return ms;
}

function replayOutput(replay: ReplayDescription): Record<string, unknown> {
  return {
    ...replay,
    EventStartTime: seconds(replay.EventStartTime),
    EventEndTime: seconds(replay.EventEndTime),
    EventLastReplayedTime: seconds(replay.EventLastReplayedTime),
    ReplayStartTime: seconds(replay.ReplayStartTime),
    ReplayEndTime: seconds(replay.ReplayEndTime),
  };
}

/** `ListArchives`, `DescribeArchive` and the replay operations, served from the local bus's archives. */
export const archiveOperations: Readonly<Record<string, Operation>> = {
  ListArchives: (bus, input) => ({
    Archives: bus.archives
      .list({ namePrefix: str(input.NamePrefix), eventSourceArn: str(input.EventSourceArn) })
      .map(({ ArchiveName, EventSourceArn, State, RetentionDays, SizeBytes, EventCount, CreationTime }) => ({
        ArchiveName,
        EventSourceArn,
        State,
        RetentionDays,
        SizeBytes,
        EventCount,
        CreationTime: seconds(CreationTime),
      })),
  }),
  DescribeArchive: (bus, input) => {
    const archive = bus.archives.describe(str(input.ArchiveName) ?? '');
    return { ...archive, CreationTime: seconds(archive.CreationTime) };
  },
  StartReplay: async (bus, input) => {
    const destination = (input.Destination ?? {}) as { Arn?: unknown; FilterArns?: unknown };
    const started = await bus.replays.start({
      ReplayName: str(input.ReplayName) ?? '',
      ...(str(input.Description) === undefined ? {} : { Description: str(input.Description) }),
      EventSourceArn: str(input.EventSourceArn) ?? '',
      EventStartTime: timestamp(input, 'EventStartTime'),
      EventEndTime: timestamp(input, 'EventEndTime'),
      Destination: {
        Arn: str(destination.Arn) ?? '',
        ...(Array.isArray(destination.FilterArns) ? { FilterArns: destination.FilterArns.map(String) } : {}),
      },
    });
    return { ...started, ReplayStartTime: seconds(started.ReplayStartTime) };
  },
  DescribeReplay: (bus, input) => replayOutput(bus.replays.describe(str(input.ReplayName) ?? '')),
  ListReplays: (bus, input) => ({
    Replays: bus.replays
      .list({
        namePrefix: str(input.NamePrefix),
        state: str(input.State),
        eventSourceArn: str(input.EventSourceArn),
      })
      .map((replay) => {
        const { Description: _d, ReplayArn: _a, Destination: _t, ...summary } = replayOutput(replay);
        return summary;
      }),
  }),
  CancelReplay: (bus, input) => bus.replays.cancel(str(input.ReplayName) ?? ''),
};
