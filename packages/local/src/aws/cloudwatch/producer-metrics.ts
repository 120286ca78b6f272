import type { MetricsSubject, ProducerMetrics } from '@bridgeport/broker';
import {
  BROKER_METRICS_NAMESPACE,
  BROKER_METRICS_SERVICE,
  BrokerDimension,
  BrokerMetric,
  type RejectionReason,
} from '@bridgeport/core';
import type { MetricStore, RecordedSeries } from './metric-store';

/**
 * The producer edge's metrics recorded straight into the local CloudWatch: the data points CloudWatch Logs makes of
 * the EMF records `powertoolsProducerMetrics` writes in Lambda (namespace, `service` dimension, names and units
 * alike; a test holds the two to each other), without serializing a record per event and reading it back.
 */
export function storeProducerMetrics(store: MetricStore, now: () => number = Date.now): ProducerMetrics {
  /** Per bus, event type and version, its series by metric name (and reason), each made on its first value. */
  const subjects = new Map<string, Map<string, Map<number, Map<string, RecordedSeries>>>>();
  const handle = (
    subject: MetricsSubject,
    metricName: BrokerMetric,
    unit: string,
    reason?: RejectionReason,
  ): RecordedSeries => {
    let types = subjects.get(subject.busName);
    if (types === undefined) {
      types = new Map();
      subjects.set(subject.busName, types);
    }
    let versions = types.get(subject.eventType);
    if (versions === undefined) {
      versions = new Map();
      types.set(subject.eventType, versions);
    }
    let handles = versions.get(subject.version);
    if (handles === undefined) {
      handles = new Map();
      versions.set(subject.version, handles);
    }
    const key = reason === undefined ? metricName : `${metricName}\u0000${reason}`;
    let found = handles.get(key);
    if (found === undefined) {
      found = store.seriesOf(
        {
          namespace: BROKER_METRICS_NAMESPACE,
          metricName,
          dimensions: [
            { name: BrokerDimension.SERVICE, value: BROKER_METRICS_SERVICE },
            { name: BrokerDimension.EVENT_BUS_NAME, value: subject.busName },
            { name: BrokerDimension.EVENT_TYPE, value: subject.eventType },
            { name: BrokerDimension.VERSION, value: String(subject.version) },
            ...(reason === undefined ? [] : [{ name: BrokerDimension.REASON, value: reason }]),
          ],
        },
        unit,
      );
      handles.set(key, found);
    }
    return found;
  };
  return {
    published(subject, sizeBytes) {
      const t = now();
      store.recordValue(handle(subject, BrokerMetric.PUBLISHED, 'Count'), t, 1);
      store.recordValue(handle(subject, BrokerMetric.EVENT_SIZE, 'Bytes'), t, sizeBytes);
    },
    rejected(subject, reason) {
      store.recordValue(handle(subject, BrokerMetric.REJECTED, 'Count', reason), now(), 1);
    },
  };
}
