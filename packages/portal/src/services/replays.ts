import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  type DescribeReplayCommandOutput,
  DescribeRuleCommand,
  type EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  busName,
  ConflictError,
  eventArchiveName,
  NotFoundError,
  replayName,
  ruleName,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import type { PortalConfig } from '../config';
import type { SubscriptionRecord } from '../store/records';
import { step } from './step';

const DAY_MS = 86_400_000;

/** A replay of a subscription, from `DescribeReplay`. */
export interface ReplayView {
  readonly name: string;
  readonly subscription_id: string;
  /** STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED or FAILED. */
  readonly state: string;
  readonly state_reason?: string;
  readonly from: string;
  readonly to: string;
  /** Time of the last event replayed so far. */
  readonly last_replayed_event_time?: string;
  /** Share of the window replayed so far (0–1), by event time; 1 once COMPLETED. */
  readonly progress: number;
  readonly started_at?: string;
  readonly ended_at?: string;
}

export interface ReplayServiceOptions {
  readonly eventBridge: EventBridgeClient;
  readonly config: PortalConfig;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Replays of a subscription from the bus archive, through EventBridge's own API: `StartReplay` of the archive with
 * `Destination.FilterArns` = the subscription's rule, so only that subscription receives the events again (each
 * with `replay-name`); `DescribeReplay` shows its state and progress.
 */
export class ReplayService {
  private readonly eventBridge: EventBridgeClient;
  private readonly config: PortalConfig;
  private readonly now: () => Date;

  constructor(options: ReplayServiceOptions) {
    this.eventBridge = options.eventBridge;
    this.config = options.config;
    this.now = options.now ?? (() => new Date());
  }

  /** `POST /subscriptions/{id}/replay`. */
  async start(subscription: SubscriptionRecord, input: unknown): Promise<ReplayView> {
    const now = this.now();
    const { from, to } = readWindow(input, now);
    const bus = busName(this.config.environment);
    const archive = await step('Reading the bus archive', () =>
      this.eventBridge.send(
        new DescribeArchiveCommand({ ArchiveName: eventArchiveName(this.config.environment) }),
      ),
    );
    const retentionDays = archive.RetentionDays ?? 0;
    const created = archive.CreationTime?.getTime() ?? 0;
    const keptSince = Math.max(created, retentionDays === 0 ? 0 : now.getTime() - retentionDays * DAY_MS);
    if (from.getTime() < keptSince) {
      throw new ValidationError('The replay window is outside the archive', [
        {
          path: '$.from',
          message: `is before ${new Date(keptSince).toISOString()}: the archive keeps events ${
            retentionDays === 0 ? 'since it was created' : `${retentionDays} days`
          }`,
        },
      ]);
    }
    const rule = await this.rule(subscription, bus);
    const name = replayName(subscription.id, now);
    try {
      await this.eventBridge.send(
        new StartReplayCommand({
          ReplayName: name,
          Description: `Subscription ${subscription.id}: events from ${from.toISOString()} to ${to.toISOString()}`,
          EventSourceArn: archive.ArchiveArn,
          EventStartTime: from,
          EventEndTime: to,
          Destination: { Arn: archive.EventSourceArn, FilterArns: [rule] },
        }),
      );
    } catch (error) {
      const kind = (error as Error).name;
      if (kind === 'ResourceAlreadyExistsException') {
        throw new ConflictError(`A replay of subscription ${subscription.id} started this second already`, {
          context: { subscription_id: subscription.id, replay: name },
        });
      }
      if (kind === 'ValidationException') {
        throw new ValidationError('The replay window is not valid', [
          { path: '$', message: (error as Error).message },
        ]);
      }
      throw await step('Starting the replay', () => Promise.reject(error));
    }
    return this.describe(subscription, name);
  }

  /** `GET /subscriptions/{id}/replays/{name}`. */
  async describe(subscription: SubscriptionRecord, name: string): Promise<ReplayView> {
    const notFound = () =>
      new NotFoundError(`Replay ${name} of subscription ${subscription.id} does not exist`, {
        context: { subscription_id: subscription.id, replay: name },
      });
    if (!name.startsWith(`${subscription.id}-`)) throw notFound();
    let replay: DescribeReplayCommandOutput;
    try {
      replay = await this.eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') throw notFound();
      throw await step('Reading the replay', () => Promise.reject(error));
    }
    return view(subscription.id, replay);
  }

  /** The subscription's rule ARN; 409 while its consumer is not deployed. */
  private async rule(subscription: SubscriptionRecord, bus: string): Promise<string> {
    const name = ruleName(
      this.config.environment,
      subscription.event_type,
      subscription.version,
      subscription.id,
    );
    try {
      const rule = await this.eventBridge.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
      if (rule.Arn !== undefined) return rule.Arn;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') {
        throw await step('Reading the subscription rule', () => Promise.reject(error));
      }
    }
    throw new ConflictError(`Subscription ${subscription.id} has no deployed rule to replay to`, {
      context: { subscription_id: subscription.id, status: subscription.status },
    });
  }
}

function readWindow(input: unknown, now: Date): { from: Date; to: Date } {
  const body = (typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}) as Record<
    string,
    unknown
  >;
  const problems: ValidationProblem[] = [];
  const time = (field: 'from' | 'to'): Date | undefined => {
    const value = body[field];
    const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) {
      problems.push({
        path: `$.${field}`,
        message: 'must be an ISO-8601 date-time, e.g. 2026-11-26T10:00:00Z',
      });
      return undefined;
    }
    return date;
  };
  for (const name of Object.keys(body)) {
    if (name !== 'from' && name !== 'to')
      problems.push({ path: `$.${name}`, message: 'is not a known field' });
  }
  const from = time('from');
  const to = time('to');
  if (from !== undefined && to !== undefined && from >= to) {
    problems.push({ path: '$.to', message: 'must be after from' });
  }
  if (to !== undefined && to > now) problems.push({ path: '$.to', message: 'must not be in the future' });
  if (problems.length > 0 || from === undefined || to === undefined) {
    throw new ValidationError('The replay request is not valid', problems);
  }
  return { from, to };
}

function view(subscriptionId: string, replay: DescribeReplayCommandOutput): ReplayView {
  const from = replay.EventStartTime?.getTime() ?? 0;
  const to = replay.EventEndTime?.getTime() ?? 0;
  const last = replay.EventLastReplayedTime?.getTime();
  const progress =
    replay.State === 'COMPLETED'
      ? 1
      : last === undefined || to <= from
        ? 0
        : Math.min(1, Math.max(0, (last - from) / (to - from)));
  return {
    name: replay.ReplayName ?? '',
    subscription_id: subscriptionId,
    state: replay.State ?? 'STARTING',
    ...(replay.StateReason === undefined ? {} : { state_reason: replay.StateReason }),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...(last === undefined ? {} : { last_replayed_event_time: new Date(last).toISOString() }),
    progress: Math.round(progress * 1000) / 1000,
    ...(replay.ReplayStartTime === undefined ? {} : { started_at: replay.ReplayStartTime.toISOString() }),
    ...(replay.ReplayEndTime === undefined ? {} : { ended_at: replay.ReplayEndTime.toISOString() }),
  };
}
