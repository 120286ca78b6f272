/**
 * Insights: traffic, refusals, deliveries, latency and size per event type, version and subscription, from the
 * broker's metrics and EventBridge's per-rule metrics (see docs/operations.md, "Insights").
 */
import {
  BROKER_METRICS_NAMESPACE,
  BROKER_METRICS_SERVICE,
  BrokerDimension,
  BrokerMetric,
  busName,
  EVENTBRIDGE_METRICS_NAMESPACE,
  EventBridgeDimension,
  EventBridgeMetric,
  REJECTION_REASONS,
  type RejectionReason,
  ruleName,
} from '@bridgeport/core';
import type { MetricQuery, MetricSeries, MetricsReader } from '../adapters/metrics';
import type { PortalConfig } from '../config';
import type { Caller } from './caller';
import { CATALOG_READ_CONCURRENCY, mapInOrder } from './concurrency';
import type { EventTypeService } from './event-types';
import { type InsightsWindow, parseInsightsWindow } from './insights-window';
import { allEventTypeNames, allSubscriptions, skipWhen } from './pagination';
import type { SubscriptionService } from './subscriptions';

export interface InsightsServiceOptions {
  readonly eventTypes: EventTypeService;
  readonly subscriptions: SubscriptionService;
  readonly metrics: MetricsReader;
  readonly config: PortalConfig;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** The query parameters of both routes, as text. */
export interface InsightsQuery {
  readonly from?: string;
  readonly to?: string;
  readonly period?: string;
}

export interface SubscriptionInsights {
  readonly id: string;
  readonly team: string;
  readonly connection_type: string;
  /** Only for the caller's own team (or an admin). */
  readonly endpoint?: string;
  readonly status: string;
  readonly matched: number;
  readonly delivered: number;
  readonly failed: number;
  readonly dead_lettered: number;
  readonly retried: number;
  readonly latency_ms: { readonly p50: number | null; readonly p99: number | null };
  readonly series: readonly {
    readonly timestamp: string;
    readonly matched: number;
    readonly delivered: number;
    readonly failed: number;
    readonly dead_lettered: number;
  }[];
}

export interface VersionInsights {
  readonly version: number;
  readonly published: number;
  readonly rejected: Readonly<Record<RejectionReason, number>> & { readonly total: number };
  readonly event_size_bytes: { readonly avg: number | null; readonly max: number | null };
  readonly series: readonly {
    readonly timestamp: string;
    readonly published: number;
    readonly rejected: number;
  }[];
  readonly subscriptions: readonly SubscriptionInsights[];
}

export interface EventTypeInsights {
  readonly event_type: string;
  readonly from: string;
  readonly to: string;
  readonly period: number;
  readonly versions: readonly VersionInsights[];
}

export interface CatalogInsights {
  readonly from: string;
  readonly to: string;
  readonly by_volume: readonly { readonly event_type: string; readonly published: number }[];
  readonly by_failures: readonly {
    readonly event_type: string;
    readonly failures: number;
    readonly failed: number;
    readonly rejected: number;
  }[];
}

/** Event types in each of the catalog's top lists. */
export const TOP_EVENT_TYPES = 10;

const sum = (series: MetricSeries | undefined): number =>
  (series ?? []).reduce((total, point) => total + point.value, 0);
const single = (series: MetricSeries | undefined): number | null => series?.[0]?.value ?? null;

/** Collects queries and hands each caller the index of its answer. */
class QueryBatch {
  readonly queries: MetricQuery[] = [];
  add(query: MetricQuery): number {
    this.queries.push(query);
    return this.queries.length - 1;
  }
}

/** Sums several series point by point (by period start). */
function seriesByTimestamp(
  named: Readonly<Record<string, MetricSeries | undefined>>,
): Map<string, Record<string, number>> {
  const rows = new Map<string, Record<string, number>>();
  for (const [name, series] of Object.entries(named)) {
    for (const point of series ?? []) {
      const key = point.timestamp.toISOString();
      const row = rows.get(key) ?? Object.fromEntries(Object.keys(named).map((n) => [n, 0]));
      row[name] = (row[name] ?? 0) + point.value;
      rows.set(key, row);
    }
  }
  return new Map([...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

export class InsightsService {
  private readonly eventTypes: EventTypeService;
  private readonly subscriptions: SubscriptionService;
  private readonly metrics: MetricsReader;
  private readonly config: PortalConfig;
  private readonly now: () => Date;

  constructor(options: InsightsServiceOptions) {
    this.eventTypes = options.eventTypes;
    this.subscriptions = options.subscriptions;
    this.metrics = options.metrics;
    this.config = options.config;
    this.now = options.now ?? (() => new Date());
  }

  /** One event type's figures per version and per subscription. `NotFoundError` for an unknown type. */
  async eventType(eventType: string, query: InsightsQuery, caller: Caller): Promise<EventTypeInsights> {
    const window = parseInsightsWindow(query, this.now());
    const type = (await this.eventTypes.get(eventType)).value;
    const subscriptions = await allSubscriptions(this.subscriptions, caller, eventType);
    const versions = [...type.versions].map((v) => v.version).sort((a, b) => b - a);
    const batch = new QueryBatch();
    const whole = this.wholeWindowSeconds(window);
    const plans = versions.map((version) => {
      const dims = this.brokerDimensions(eventType, version);
      return {
        version,
        published: batch.add(this.broker(BrokerMetric.PUBLISHED, dims, 'Sum', window.periodSeconds)),
        rejected: REJECTION_REASONS.map((reason) =>
          batch.add(
            this.broker(
              BrokerMetric.REJECTED,
              { ...dims, [BrokerDimension.REASON]: reason },
              'Sum',
              window.periodSeconds,
            ),
          ),
        ),
        sizeAvg: batch.add(this.broker(BrokerMetric.EVENT_SIZE, dims, 'Average', whole)),
        sizeMax: batch.add(this.broker(BrokerMetric.EVENT_SIZE, dims, 'Maximum', whole)),
        subscriptions: subscriptions
          .filter((s) => s.version === version)
          .map((subscription) => {
            const rule = (metricName: string, stat: string, period: number) =>
              batch.add(this.rule(eventType, version, subscription.id, metricName, stat, period));
            return {
              subscription,
              matched: rule(EventBridgeMetric.MATCHED_EVENTS, 'Sum', window.periodSeconds),
              delivered: rule(EventBridgeMetric.SUCCESSFUL_INVOCATION_ATTEMPTS, 'Sum', window.periodSeconds),
              failed: rule(EventBridgeMetric.FAILED_INVOCATIONS, 'Sum', window.periodSeconds),
              deadLettered: rule(EventBridgeMetric.INVOCATIONS_SENT_TO_DLQ, 'Sum', window.periodSeconds),
              retried: rule(EventBridgeMetric.RETRY_INVOCATION_ATTEMPTS, 'Sum', window.periodSeconds),
              p50: rule(EventBridgeMetric.INGESTION_TO_INVOCATION_SUCCESS_LATENCY, 'p50', whole),
              p99: rule(EventBridgeMetric.INGESTION_TO_INVOCATION_SUCCESS_LATENCY, 'p99', whole),
            };
          }),
      };
    });
    const answers = batch.queries.length === 0 ? [] : await this.metrics.read(batch.queries, window);
    return {
      event_type: eventType,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      period: window.periodSeconds,
      versions: plans.map((plan): VersionInsights => {
        const rejected = Object.fromEntries(
          REJECTION_REASONS.map((reason, i) => [reason, sum(answers[plan.rejected[i] as number])]),
        ) as Record<RejectionReason, number>;
        const rejectedSeries = plan.rejected.map((index) => answers[index]);
        const rows = seriesByTimestamp({
          published: answers[plan.published],
          ...Object.fromEntries(rejectedSeries.map((series, i) => [`rejected${i}`, series])),
        });
        return {
          version: plan.version,
          published: sum(answers[plan.published]),
          rejected: { ...rejected, total: Object.values(rejected).reduce((a, b) => a + b, 0) },
          event_size_bytes: { avg: single(answers[plan.sizeAvg]), max: single(answers[plan.sizeMax]) },
          series: [...rows].map(([timestamp, row]) => ({
            timestamp,
            published: row.published ?? 0,
            rejected: rejectedSeries.reduce((total, _s, i) => total + (row[`rejected${i}`] ?? 0), 0),
          })),
          subscriptions: plan.subscriptions.map((s): SubscriptionInsights => {
            const subscriptionRows = seriesByTimestamp({
              matched: answers[s.matched],
              delivered: answers[s.delivered],
              failed: answers[s.failed],
              dead_lettered: answers[s.deadLettered],
            });
            return {
              id: s.subscription.id,
              team: s.subscription.team,
              connection_type: s.subscription.connection_type,
              ...(s.subscription.connection_string === undefined
                ? {}
                : { endpoint: s.subscription.connection_string }),
              status: s.subscription.status,
              matched: sum(answers[s.matched]),
              delivered: sum(answers[s.delivered]),
              failed: sum(answers[s.failed]),
              dead_lettered: sum(answers[s.deadLettered]),
              retried: sum(answers[s.retried]),
              latency_ms: { p50: single(answers[s.p50]), p99: single(answers[s.p99]) },
              series: [...subscriptionRows].map(([timestamp, row]) => ({
                timestamp,
                matched: row.matched ?? 0,
                delivered: row.delivered ?? 0,
                failed: row.failed ?? 0,
                dead_lettered: row.dead_lettered ?? 0,
              })),
            };
          }),
        };
      }),
    };
  }

  /** The catalog's busiest and most failing event types over the window. */
  async catalog(query: InsightsQuery): Promise<CatalogInsights> {
    const window = parseInsightsWindow(query, this.now());
    const whole = this.wholeWindowSeconds(window);
    const viewer: Caller = { user: 'insights', teams: [], admin: false };
    const batch = new QueryBatch();
    const plans: { eventType: string; published: number[]; rejected: number[]; failed: number[] }[] = [];
    const names = await allEventTypeNames(this.eventTypes);
    const read = await mapInOrder(names, CATALOG_READ_CONCURRENCY, async (eventType) => {
      const type = await this.eventTypes.get(eventType).then(
        (found) => found.value,
        (error: unknown) => skipWhen(true, error), // deleted since it was listed
      );
      if (type === undefined) return undefined;
      return {
        eventType,
        type,
        subscriptions: await allSubscriptions(this.subscriptions, viewer, eventType),
      };
    });
    for (const found of read) {
      if (found === undefined) continue;
      const { eventType, type, subscriptions } = found;
      const plan = { eventType, published: [] as number[], rejected: [] as number[], failed: [] as number[] };
      for (const { version } of type.versions) {
        const dims = this.brokerDimensions(eventType, version);
        plan.published.push(batch.add(this.broker(BrokerMetric.PUBLISHED, dims, 'Sum', whole)));
        for (const reason of REJECTION_REASONS) {
          plan.rejected.push(
            batch.add(
              this.broker(BrokerMetric.REJECTED, { ...dims, [BrokerDimension.REASON]: reason }, 'Sum', whole),
            ),
          );
        }
      }
      for (const subscription of subscriptions) {
        plan.failed.push(
          batch.add(
            this.rule(
              eventType,
              subscription.version,
              subscription.id,
              EventBridgeMetric.FAILED_INVOCATIONS,
              'Sum',
              whole,
            ),
          ),
        );
      }
      plans.push(plan);
    }
    const answers = batch.queries.length === 0 ? [] : await this.metrics.read(batch.queries, window);
    const total = (indexes: number[]) => indexes.reduce((sum_, index) => sum_ + sum(answers[index]), 0);
    const figures = plans.map((plan) => ({
      event_type: plan.eventType,
      published: total(plan.published),
      rejected: total(plan.rejected),
      failed: total(plan.failed),
    }));
    const byName = (a: { event_type: string }, b: { event_type: string }) =>
      a.event_type < b.event_type ? -1 : 1;
    return {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      by_volume: figures
        .filter((f) => f.published > 0)
        .sort((a, b) => b.published - a.published || byName(a, b))
        .slice(0, TOP_EVENT_TYPES)
        .map((f) => ({ event_type: f.event_type, published: f.published })),
      by_failures: figures
        .map((f) => ({
          event_type: f.event_type,
          failures: f.failed + f.rejected,
          failed: f.failed,
          rejected: f.rejected,
        }))
        .filter((f) => f.failures > 0)
        .sort((a, b) => b.failures - a.failures || byName(a, b))
        .slice(0, TOP_EVENT_TYPES),
    };
  }

  /** A period covering the whole window in one point (windows are whole minutes). */
  private wholeWindowSeconds(window: InsightsWindow): number {
    return Math.ceil((window.to.getTime() - window.from.getTime()) / 60_000) * 60;
  }

  private brokerDimensions(eventType: string, version: number): Record<string, string> {
    return {
      [BrokerDimension.SERVICE]: BROKER_METRICS_SERVICE,
      [BrokerDimension.EVENT_BUS_NAME]: busName(this.config.environment),
      [BrokerDimension.EVENT_TYPE]: eventType,
      [BrokerDimension.VERSION]: String(version),
    };
  }

  private broker(
    metricName: string,
    dimensions: Record<string, string>,
    stat: string,
    periodSeconds: number,
  ): MetricQuery {
    return { namespace: BROKER_METRICS_NAMESPACE, metricName, dimensions, stat, periodSeconds };
  }

  private rule(
    eventType: string,
    version: number,
    subscriptionId: string,
    metricName: string,
    stat: string,
    periodSeconds: number,
  ): MetricQuery {
    return {
      namespace: EVENTBRIDGE_METRICS_NAMESPACE,
      metricName,
      dimensions: {
        [EventBridgeDimension.EVENT_BUS_NAME]: busName(this.config.environment),
        [EventBridgeDimension.RULE_NAME]: ruleName(
          this.config.environment,
          eventType,
          version,
          subscriptionId,
        ),
      },
      stat,
      periodSeconds,
    };
  }
}
