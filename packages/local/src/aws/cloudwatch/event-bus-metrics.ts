import { EVENTBRIDGE_METRICS_NAMESPACE, EventBridgeDimension, EventBridgeMetric } from '@bridgeport/core';
import type { DeliveryReport } from '../../bus/types';
import type { MetricStore, RecordedSeries } from './metric-store';

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
  /** Per bus, rule and metric name: its series handle. */
  private readonly handles = new Map<string, RecordedSeries>();

  constructor(
    private readonly store: MetricStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bus's `onMatched` observer. */
  readonly matched = (eventBusName: string, ruleNames: readonly string[]): void => {
    const t = this.now();
    for (const ruleName of ruleNames) this.count(eventBusName, ruleName, EventBridgeMetric.MATCHED_EVENTS, t);
  };

  /** The bus's `onDelivery` observer. */
  readonly delivery = (report: DeliveryReport): void => {
    const t = this.now();
    const { eventBusName, ruleName } = report;
    switch (report.outcome) {
      case 'delivered':
        this.count(eventBusName, ruleName, EventBridgeMetric.SUCCESSFUL_INVOCATION_ATTEMPTS, t);
        this.count(eventBusName, ruleName, EventBridgeMetric.INVOCATIONS, t);
        this.store.recordValue(
          this.handle(
            eventBusName,
            ruleName,
            EventBridgeMetric.INGESTION_TO_INVOCATION_SUCCESS_LATENCY,
            'Milliseconds',
          ),
          t,
          Math.max(0, t - report.ingestedAt),
        );
        return;
      case 'retrying':
        this.count(eventBusName, ruleName, EventBridgeMetric.RETRY_INVOCATION_ATTEMPTS, t);
        return;
      case 'dead-lettered':
        this.count(eventBusName, ruleName, EventBridgeMetric.INVOCATIONS, t);
        this.count(eventBusName, ruleName, EventBridgeMetric.FAILED_INVOCATIONS, t);
        if (report.deadLetterArn !== undefined) {
          this.count(eventBusName, ruleName, EventBridgeMetric.INVOCATIONS_SENT_TO_DLQ, t);
        }
        return;
    }
  };

  private handle(eventBusName: string, ruleName: string, metricName: string, unit: string): RecordedSeries {
    const key = `${eventBusName}\u0000${ruleName}\u0000${metricName}`;
    let handle = this.handles.get(key);
    if (handle === undefined) {
      handle = this.store.seriesOf(
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
      this.handles.set(key, handle);
    }
    return handle;
  }

  private count(eventBusName: string, ruleName: string, metricName: string, t: number): void {
    this.store.recordValue(this.handle(eventBusName, ruleName, metricName, 'Count'), t, 1);
  }
}
