import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';

/** One metric and statistic to read per period. */
export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Maximum`, `p99`… */
  readonly stat: string;
  readonly periodSeconds: number;
}

/** A query's values per period, oldest first; `timestamp` is the period's start. */
export type MetricSeries = readonly { readonly timestamp: Date; readonly value: number }[];

/** Reads metrics over a window (CloudWatch in AWS and locally). */
export interface MetricsReader {
  read(
    queries: readonly MetricQuery[],
    window: { readonly from: Date; readonly to: Date },
  ): Promise<MetricSeries[]>;
}

/** GetMetricData's limits on one request. */
const MAX_QUERIES_PER_REQUEST = 500;
const MAX_DATAPOINTS_PER_REQUEST = 100_800;

/**
 * `GetMetricData` for many queries at once: split into requests within CloudWatch's limits (500 queries, 100,800
 * data points), each followed through its `NextToken`s; answers in the order of the queries.
 */
export class CloudWatchMetrics implements MetricsReader {
  private readonly client: CloudWatchClient;

  constructor(options: { readonly client: CloudWatchClient }) {
    this.client = options.client;
  }

  async read(
    queries: readonly MetricQuery[],
    window: { readonly from: Date; readonly to: Date },
  ): Promise<MetricSeries[]> {
    const spanMs = window.to.getTime() - window.from.getTime();
    const results: MetricSeries[] = new Array(queries.length);
    let start = 0;
    while (start < queries.length) {
      let points = 0;
      let end = start;
      while (end < queries.length && end - start < MAX_QUERIES_PER_REQUEST) {
        const more = Math.ceil(spanMs / ((queries[end] as MetricQuery).periodSeconds * 1000));
        if (end > start && points + more > MAX_DATAPOINTS_PER_REQUEST) break;
        points += more;
        end += 1;
      }
      const chunk = queries.slice(start, end);
      const offset = start;
      const collected = new Map<string, { timestamp: Date; value: number }[]>();
      // The same queries for every page of this request: only the token changes.
      const metricDataQueries = chunk.map(
        (query, i): MetricDataQuery => ({
          Id: `q${offset + i}`,
          MetricStat: {
            Metric: {
              Namespace: query.namespace,
              MetricName: query.metricName,
              Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: query.periodSeconds,
            Stat: query.stat,
          },
        }),
      );
      let nextToken: string | undefined;
      do {
        const output = await this.client.send(
          new GetMetricDataCommand({
            StartTime: window.from,
            EndTime: window.to,
            ScanBy: 'TimestampAscending',
            MetricDataQueries: metricDataQueries,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        );
        for (const result of output.MetricDataResults ?? []) {
          const id = result.Id ?? '';
          const values = result.Values ?? [];
          const series = collected.get(id) ?? [];
          (result.Timestamps ?? []).forEach((timestamp, i) => {
            const value = values[i];
            if (value !== undefined) series.push({ timestamp, value });
          });
          collected.set(id, series);
        }
        nextToken = output.NextToken;
      } while (nextToken !== undefined);
      chunk.forEach((_query, i) => {
        const series = collected.get(`q${offset + i}`) ?? [];
        results[offset + i] = series.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
      });
      start = end;
    }
    return results;
  }
}
