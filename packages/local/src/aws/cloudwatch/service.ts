import type { IncomingMessage } from 'node:http';
import type { LocalAwsService, RunningService } from '../service';
import { handleCloudWatchRequest } from './handler';
import { MetricStore } from './metric-store';
import { CLOUDWATCH_RPC_PATH_PREFIX, CLOUDWATCH_TARGET_PREFIX } from './wire';

export interface RunningCloudWatch extends RunningService {
  /** The local CloudWatch's data points (what the bus and the producer edge record go here too). */
  readonly metrics: MetricStore;
}

/**
 * CloudWatch metrics (`PutMetricData`, `GetMetricData`, `ListMetrics`) in AWS JSON 1.0, RPC v2 CBOR and awsQuery,
 * served in process from a durable store of raw data points.
 */
export const cloudWatchService: LocalAwsService<RunningCloudWatch> = {
  scope: 'monitoring',
  targetPrefix: CLOUDWATCH_TARGET_PREFIX,
  claimsUnsigned: (request: IncomingMessage) => (request.url ?? '').startsWith(CLOUDWATCH_RPC_PATH_PREFIX),
  directory: 'cloudwatch',
  async start(context) {
    const metrics = await MetricStore.open(context.directory, { retentionDays: context.metricRetentionDays });
    return {
      metrics,
      handle(request, response) {
        void handleCloudWatchRequest(metrics, request, response, context);
      },
      close: () => metrics.close(),
    };
  },
};
