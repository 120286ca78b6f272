import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EmfOutput } from '@aws-lambda-powertools/metrics/types';
import {
  BROKER_METRICS_NAMESPACE,
  BROKER_METRICS_SERVICE,
  BrokerDimension,
  BrokerMetric,
  type RejectionReason,
} from '@bridgeport/core';

/** The event type version an observation is about, and the bus it goes to. */
export interface MetricsSubject {
  readonly busName: string;
  readonly eventType: string;
  readonly version: number;
}

/** What the producer edge (the HTTP injector, the SQS forwarders) counts, per event type and version. */
export interface ProducerMetrics {
  /** An event put on the bus, of `sizeBytes` as EventBridge counts it. */
  published(subject: MetricsSubject, sizeBytes: number): void;
  /** An event of an existing producer refused, and why. */
  rejected(subject: MetricsSubject, reason: RejectionReason): void;
}

/** One Embedded Metric Format record, as Powertools serializes it. */
export type EmfRecord = EmfOutput;

/** Powertools Metrics that hands each flushed EMF record to `emit` instead of writing it to stdout. */
class EmittingMetrics extends Metrics {
  constructor(private readonly emit: (record: EmfRecord) => void) {
    super({ namespace: BROKER_METRICS_NAMESPACE, serviceName: BROKER_METRICS_SERVICE });
  }

  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.emit(this.serializeMetrics());
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}

export interface ProducerMetricsOptions {
  /**
   * Where EMF records go. Default: stdout, where CloudWatch Logs picks them up in Lambda and turns them into
   * metrics. The local runtime passes its own sink, which ingests them into its CloudWatch.
   */
  readonly emit?: (record: EmfRecord) => void;
}

/**
 * The broker's metrics through Powertools Metrics (namespace `Bridgeport/Broker`, dimensions `service`,
 * `EventBusName`, `EventType`, `Version` and, for rejections, `Reason`): one EMF record per observation, flushed at
 * once, so that concurrent requests never share a record's dimensions.
 */
export function powertoolsProducerMetrics(options: ProducerMetricsOptions = {}): ProducerMetrics {
  const metrics =
    options.emit === undefined
      ? new Metrics({ namespace: BROKER_METRICS_NAMESPACE, serviceName: BROKER_METRICS_SERVICE })
      : new EmittingMetrics(options.emit);
  const dimensions = (subject: MetricsSubject) => ({
    [BrokerDimension.EVENT_BUS_NAME]: subject.busName,
    [BrokerDimension.EVENT_TYPE]: subject.eventType,
    [BrokerDimension.VERSION]: String(subject.version),
  });
  return {
    published(subject, sizeBytes) {
      metrics.addDimensions(dimensions(subject));
      metrics.addMetric(BrokerMetric.PUBLISHED, MetricUnit.Count, 1);
      metrics.addMetric(BrokerMetric.EVENT_SIZE, MetricUnit.Bytes, sizeBytes);
      metrics.publishStoredMetrics();
    },
    rejected(subject, reason) {
      metrics.addDimensions({ ...dimensions(subject), [BrokerDimension.REASON]: reason });
      metrics.addMetric(BrokerMetric.REJECTED, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}

/** Counts nothing (tests and tools that publish without metrics). */
export const noProducerMetrics: ProducerMetrics = {
  published: () => undefined,
  rejected: () => undefined,
};
