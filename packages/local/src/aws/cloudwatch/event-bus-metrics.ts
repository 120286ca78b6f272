import { EVENTBRIDGE_METRICS_NAMESPACE, EventBridgeDimension, EventBridgeMetric } from '@bridgeport/core';
import type { DeliveryReport } from '../../bus/types';
import type { MetricStore, RecordedSeries } from './metric-store';

/** One rule's metrics: a count, or a value in a unit. */
interface RuleMetrics {
  count(metricName: string, t: number): void;
  record(metricName: string, unit: string, t: number, value: number): void;
}

/**
 * EventBridge's per-rule metrics (namespace `AWS/Events`, dimensions `EventBusName` and `RuleName`), recorded from
 * what the local bus does, so that the portal reads a subscription's figures the same way here as in AWS:
 * - `MatchedEvents` for each rule an event matched;
 * - `SuccessfulInvocationAttempts`, `Invocations` and `IngestionToInvocationSuccessLatency` (ms) on delivery;
 * - `RetryInvocationAttempts` for each failed attempt that is retried;
 * - `Invocations` and `FailedInvocations` for an event that failed for good, plus `InvocationsSentToDlq` when
 *   its target has a dead-letter queue.
 */
export class EventBusMetrics {
  /** Per bus, per rule, its metrics (looked up by the names' own strings, without building a key per event). */
  private readonly buses = new Map<string, Map<string, RuleMetrics>>();

  constructor(
    private readonly store: MetricStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bus's `onMatched` observer. */
  readonly matched = (eventBusName: string, ruleNames: readonly string[]): void => {
    const t = this.now();
    for (const ruleName of ruleNames)
      this.rule(eventBusName, ruleName).count(EventBridgeMetric.MATCHED_EVENTS, t);
  };

  /** The bus's `onDelivery` observer. */
  readonly delivery = (report: DeliveryReport): void => {
    const t = this.now();
    const rule = this.rule(report.eventBusName, report.ruleName);
    switch (report.outcome) {
      case 'delivered':
        rule.count(EventBridgeMetric.SUCCESSFUL_INVOCATION_ATTEMPTS, t);
        rule.count(EventBridgeMetric.INVOCATIONS, t);
        rule.record(
          EventBridgeMetric.INGESTION_TO_INVOCATION_SUCCESS_LATENCY,
          'Milliseconds',
          t,
          Math.max(0, t - report.ingestedAt),
        );
        return;
      case 'retrying':
        rule.count(EventBridgeMetric.RETRY_INVOCATION_ATTEMPTS, t);
        return;
      case 'dead-lettered':
        rule.count(EventBridgeMetric.INVOCATIONS, t);
        rule.count(EventBridgeMetric.FAILED_INVOCATIONS, t);
        if (report.deadLetterArn !== undefined) rule.count(EventBridgeMetric.INVOCATIONS_SENT_TO_DLQ, t);
        return;
    }
  };

  /** The metrics of one rule, each series made on its first value. */
  private rule(eventBusName: string, ruleName: string): RuleMetrics {
    let rules = this.buses.get(eventBusName);
    if (rules === undefined) {
      rules = new Map();
      this.buses.set(eventBusName, rules);
    }
    let metrics = rules.get(ruleName);
    if (metrics === undefined) {
      const handles = new Map<string, RecordedSeries>();
      const handle = (metricName: string, unit: string): RecordedSeries => {
        let found = handles.get(metricName);
        if (found === undefined) {
          found = this.store.seriesOf(
            {
              namespace: EVENTBRIDGE_METRICS_NAMESPACE,
              metricName,
              dimensions: [
                { name: EventBridgeDimension.EVENT_BUS_NAME, value: eventBusName },
                { name: EventBridgeDimension.RULE_NAME, value: ruleName },
              ],
            },
            unit,
          );
          handles.set(metricName, found);
        }
        return found;
      };
      metrics = {
        count: (metricName, t) => this.store.recordValue(handle(metricName, 'Count'), t, 1),
        record: (metricName, unit, t, value) => this.store.recordValue(handle(metricName, unit), t, value),
      };
      rules.set(ruleName, metrics);
    }
    return metrics;
  }
}
