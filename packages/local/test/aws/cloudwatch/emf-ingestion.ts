import type { MetricStore } from '../../../src/aws/cloudwatch/metric-store';

/**
 * Turns one Embedded Metric Format record into data points, as CloudWatch Logs does with a log line that carries
 * `_aws.CloudWatchMetrics`: for each directive, each metric named there is recorded once per dimension set, with
 * the record's values of those dimensions and of the metric (a number, or a list of numbers), at `_aws.Timestamp`.
 * Answers how many data points were recorded; a record that is not EMF records nothing.
 */
export function ingestEmf(store: MetricStore, record: unknown): number {
  if (typeof record !== 'object' || record === null) return 0;
  const fields = record as Record<string, unknown>;
  const aws = fields._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null || !Array.isArray(aws.CloudWatchMetrics)) return 0;
  const t = typeof aws.Timestamp === 'number' && Number.isFinite(aws.Timestamp) ? aws.Timestamp : Date.now();
  let recorded = 0;
  for (const directive of aws.CloudWatchMetrics as unknown[]) {
    if (typeof directive !== 'object' || directive === null) continue;
    const { Namespace, Dimensions, Metrics } = directive as Record<string, unknown>;
    if (typeof Namespace !== 'string' || !Array.isArray(Metrics)) continue;
    const dimensionSets = Array.isArray(Dimensions) && Dimensions.length > 0 ? Dimensions : [[]];
    for (const set of dimensionSets) {
      if (!Array.isArray(set)) continue;
      const dimensions = set.map((name) => ({ name: String(name), value: fields[String(name)] }));
      // CloudWatch Logs skips a dimension set whose values are missing or not strings.
      if (dimensions.some((d) => typeof d.value !== 'string' || d.value === '')) continue;
      for (const metric of Metrics as unknown[]) {
        const name = (metric as { Name?: unknown } | null)?.Name;
        if (typeof name !== 'string') continue;
        const raw = fields[name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter(
          (v): v is number => typeof v === 'number' && Number.isFinite(v),
        );
        if (values.length === 0) continue;
        const unit = (metric as { Unit?: unknown }).Unit;
        const series = store.seriesOf(
          {
            namespace: Namespace,
            metricName: name,
            dimensions: dimensions.map((d) => ({ name: d.name, value: d.value as string })),
          },
          typeof unit === 'string' ? unit : undefined,
        );
        for (const value of values) store.recordValue(series, t, value);
        recorded += 1;
      }
    }
  }
  return recorded;
}
