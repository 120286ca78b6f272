import { randomUUID } from 'node:crypto';
import { nextFireTime, parseSchedule } from './schedule';
import type { Topology } from './topology';
import type { EventBridgeEvent } from './types';

export interface RuleSchedulerOptions {
  readonly topology: Topology;
  readonly account: string;
  readonly region: string;
  /** Hands the event of a scheduled rule to that rule's targets (and no other rule's). */
  readonly emit: (eventBusName: string, ruleName: string, event: EventBridgeEvent) => Promise<void>;
  /** The clock. @default Date.now */
  readonly now?: () => number;
  /** How often due rules are looked for. @default 1000 ms; 0 = only when `tick()` is called */
  readonly tickMs?: number;
  /** Called when a scheduled event could not be stored (it is retried at the next tick). */
  readonly onError?: (error: unknown) => void;
}

interface Planned {
  readonly expression: string;
  readonly anchor: number;
  at: number | undefined;
}

/**
 * Runs the enabled rules that have a `ScheduleExpression`: at each time the schedule names, the rule's
 * targets receive the event EventBridge sends for it (`source` `aws.events`, `detail-type` `Scheduled Event`,
 * the rule's ARN in `resources`, an empty `detail`, `time` = the scheduled minute). Times missed while the
 * runtime was stopped are not made up.
 */
export class RuleScheduler {
  private readonly planned = new Map<string, Planned>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private closed = false;

  constructor(private readonly options: RuleSchedulerOptions) {
    this.now = options.now ?? Date.now;
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) {
      this.timer = setInterval(() => {
        void this.tick();
      }, tickMs);
      this.timer.unref();
    }
  }

  /** Sends the event of every scheduled rule that is due; resolves with how many were sent. */
  tick(): Promise<number> {
    this.running ??= this.fireDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** When each scheduled rule fires next (epoch ms), by `eventBusName/ruleName`; for inspection and tests. */
  upcoming(): Map<string, number> {
    this.plan(this.now());
    const times = new Map<string, number>();
    for (const [key, planned] of this.planned) if (planned.at !== undefined) times.set(key, planned.at);
    return times;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async fireDue(): Promise<number> {
    const now = this.now();
    let sent = 0;
    for (const [key, planned] of this.plan(now)) {
      if (this.closed) break;
      if (planned.at === undefined || planned.at > now) continue;
      const [eventBusName, ruleName] = splitKey(key);
      const rule = this.options.topology.findRule(eventBusName, ruleName);
      if (rule === undefined) continue;
      const event: EventBridgeEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: this.options.account,
        time: `${new Date(planned.at).toISOString().slice(0, 19)}Z`,
        region: this.options.region,
        resources: [rule.Arn],
        detail: {},
      };
      try {
        await this.options.emit(eventBusName, ruleName, event);
      } catch (error) {
        this.options.onError?.(error);
        continue;
      }
      sent += 1;
      const schedule = parseSchedule(planned.expression);
      planned.at =
        schedule === undefined
          ? undefined
          : nextFireTime(schedule, Math.max(planned.at, now), planned.anchor);
    }
    return sent;
  }

  /** Brings the plan in line with the topology: new, changed, disabled and deleted rules. */
  private plan(now: number): Map<string, Planned> {
    const current = new Set<string>();
    for (const rule of this.options.topology.scheduledRules()) {
      const key = `${rule.eventBusName}/${rule.name}`;
      current.add(key);
      const existing = this.planned.get(key);
      if (existing?.expression === rule.scheduleExpression && existing.anchor === rule.scheduledSince)
        continue;
      const schedule = parseSchedule(rule.scheduleExpression);
      this.planned.set(key, {
        expression: rule.scheduleExpression,
        anchor: rule.scheduledSince,
        at:
          schedule === undefined
            ? undefined
            : nextFireTime(schedule, Math.max(now, rule.scheduledSince) - 1, rule.scheduledSince),
      });
    }
    for (const key of this.planned.keys()) if (!current.has(key)) this.planned.delete(key);
    return this.planned;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), key.slice(at + 1)];
}
