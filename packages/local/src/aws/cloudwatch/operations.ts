import { AwsServiceError } from '../protocol';
import type { MetricIdentity, MetricStore, NewDataPoint } from './metric-store';
import { aggregate, parseStatistic } from './statistics';

type Input = Record<string, unknown>;
/** One CloudWatch operation: the decoded request in, the response out (timestamps as `Date`). */
export type CloudWatchOperation = (store: MetricStore, input: Input) => unknown | Promise<unknown>;

/** CloudWatch's limits the local one enforces. */
export const CloudWatchLimit = {
  METRIC_DATA_PER_PUT: 1000,
  VALUES_PER_DATUM: 150,
  QUERIES_PER_GET: 500,
  DATAPOINTS_PER_GET: 100_800,
  DIMENSIONS_PER_METRIC: 30,
  LIST_METRICS_PAGE: 500,
} as const;

/** CloudWatch's error codes (awsQuery names; the JSON and CBOR shapes add `Exception`). */
export const CloudWatchError = {
  INVALID_PARAMETER_VALUE: 'InvalidParameterValue',
  MISSING_PARAMETER: 'MissingParameter',
  INVALID_PARAMETER_COMBINATION: 'InvalidParameterCombination',
} as const;

const invalid = (message: string) => new AwsServiceError(CloudWatchError.INVALID_PARAMETER_VALUE, message);
const missing = (field: string) =>
  new AwsServiceError(CloudWatchError.MISSING_PARAMETER, `The parameter ${field} is required.`);

const isRecord = (value: unknown): value is Input =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function requiredString(input: Input, field: string, where = field): string {
  const value = input[field];
  if (value === undefined || value === null) throw missing(where);
  if (typeof value !== 'string' || value === '' || value.length > 255) {
    throw invalid(`The parameter ${where} must be a string of 1 to 255 characters.`);
  }
  return value;
}

function list(input: Input, field: string, where = field): unknown[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`The parameter ${where} must be a list.`);
  return value;
}

/**
 * A timestamp as any of the wire protocols carry it: epoch seconds (AWS JSON), a CBOR tag 1 of epoch seconds
 * (RPC v2 CBOR), an ISO-8601 string (awsQuery) or a `Date`. Epoch milliseconds out.
 */
export function timestampMillis(value: unknown, where: string): number {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string')
    ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  else if (isRecord(value) && value.tag === 1 && typeof value.value === 'number') ms = value.value * 1000;
  if (ms === undefined || !Number.isFinite(ms)) throw invalid(`The parameter ${where} must be a timestamp.`);
  return Math.round(ms);
}

function dimensions(raw: unknown[], where: string): { name: string; value: string }[] {
  if (raw.length > CloudWatchLimit.DIMENSIONS_PER_METRIC) {
    throw invalid(
      `The collection ${where} must not have more than ${CloudWatchLimit.DIMENSIONS_PER_METRIC} members.`,
    );
  }
  const seen = new Set<string>();
  return raw.map((item, i) => {
    if (!isRecord(item)) throw invalid(`The parameter ${where}.member.${i + 1} must be a dimension.`);
    const name = requiredString(item, 'Name', `${where}.member.${i + 1}.Name`);
    const value = requiredString(item, 'Value', `${where}.member.${i + 1}.Value`);
    if (seen.has(name)) throw invalid(`No metric may have the dimension ${name} twice (${where}).`);
    seen.add(name);
    return { name, value };
  });
}

function finiteNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`The parameter ${where} must be a number.`);
  return value;
}

function datum(
  raw: unknown,
  index: number,
  now: number,
): { identity: Omit<MetricIdentity, 'namespace'>; point: NewDataPoint } {
  const where = `MetricData.member.${index + 1}`;
  if (!isRecord(raw)) throw invalid(`The parameter ${where} must be a metric datum.`);
  const metricName = requiredString(raw, 'MetricName', `${where}.MetricName`);
  const dims = dimensions(list(raw, 'Dimensions', `${where}.Dimensions`), `${where}.Dimensions`);
  const t =
    raw.Timestamp === undefined || raw.Timestamp === null
      ? now
      : timestampMillis(raw.Timestamp, `${where}.Timestamp`);
  const unit = typeof raw.Unit === 'string' ? raw.Unit : undefined;
  const given = ['Value', 'Values', 'StatisticValues'].filter(
    (field) => raw[field] !== undefined && raw[field] !== null,
  );
  if (given.length !== 1) {
    throw new AwsServiceError(
      CloudWatchError.INVALID_PARAMETER_COMBINATION,
      `Exactly one of ${where}.Value, ${where}.Values and ${where}.StatisticValues must be given.`,
    );
  }
  let point: NewDataPoint;
  if (raw.Value !== undefined && raw.Value !== null) {
    point = { t, values: [finiteNumber(raw.Value, `${where}.Value`)], counts: [1] };
  } else if (raw.Values !== undefined && raw.Values !== null) {
    const values = list(raw, 'Values', `${where}.Values`).map((v, i) =>
      finiteNumber(v, `${where}.Values.member.${i + 1}`),
    );
    if (values.length > CloudWatchLimit.VALUES_PER_DATUM) {
      throw invalid(
        `The collection ${where}.Values must not have more than ${CloudWatchLimit.VALUES_PER_DATUM} members.`,
      );
    }
    const rawCounts = list(raw, 'Counts', `${where}.Counts`);
    if (rawCounts.length > 0 && rawCounts.length !== values.length) {
      throw invalid(`The parameters ${where}.Values and ${where}.Counts must have as many members.`);
    }
    const counts =
      rawCounts.length === 0
        ? values.map(() => 1)
        : rawCounts.map((c, i) => finiteNumber(c, `${where}.Counts.member.${i + 1}`));
    point = { t, values, counts };
  } else {
    const set = raw.StatisticValues;
    if (!isRecord(set)) throw invalid(`The parameter ${where}.StatisticValues must be a statistic set.`);
    const s = (field: string) => finiteNumber(set[field], `${where}.StatisticValues.${field}`);
    point = {
      t,
      set: { sampleCount: s('SampleCount'), sum: s('Sum'), minimum: s('Minimum'), maximum: s('Maximum') },
    };
  }
  return {
    identity: { metricName, dimensions: dims },
    point: unit === undefined ? point : { ...point, unit },
  };
}

/** PutMetricData: its validation (an `AWS/` namespace is AWS's own) and its effect. */
export async function putMetricData(store: MetricStore, input: Input): Promise<void> {
  const namespace = requiredString(input, 'Namespace');
  if (namespace.startsWith('AWS/')) {
    throw invalid('The value AWS/ for parameter Namespace is invalid.');
  }
  const data = list(input, 'MetricData');
  if (data.length === 0) throw missing('MetricData');
  if (data.length > CloudWatchLimit.METRIC_DATA_PER_PUT) {
    throw invalid(
      `The collection MetricData must not have more than ${CloudWatchLimit.METRIC_DATA_PER_PUT} members.`,
    );
  }
  const now = Date.now();
  const parsed = data.map((raw, index) => datum(raw, index, now));
  // One write (and one flush to disk) for the whole request, not one per datum.
  await store.putAll(
    parsed.map(({ identity, point }) => ({ identity: { namespace, ...identity }, points: [point] })),
  );
}

interface Query {
  readonly id: string;
  readonly label: string;
  readonly returnData: boolean;
  readonly identity: MetricIdentity;
  readonly stat: NonNullable<ReturnType<typeof parseStatistic>>;
  readonly periodSeconds: number;
}

function query(raw: unknown, index: number): Query {
  const where = `MetricDataQueries.member.${index + 1}`;
  if (!isRecord(raw)) throw invalid(`The parameter ${where} must be a metric data query.`);
  const id = requiredString(raw, 'Id', `${where}.Id`);
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
    throw invalid(
      `The value ${id} for parameter ${where}.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
    );
  }
  if (raw.Expression !== undefined && raw.Expression !== null) {
    throw invalid(`${where}.Expression: the local CloudWatch serves MetricStat queries only.`);
  }
  const metricStat = raw.MetricStat;
  if (!isRecord(metricStat)) throw missing(`${where}.MetricStat`);
  const metric = metricStat.Metric;
  if (!isRecord(metric)) throw missing(`${where}.MetricStat.Metric`);
  const namespace = requiredString(metric, 'Namespace', `${where}.MetricStat.Metric.Namespace`);
  const metricName = requiredString(metric, 'MetricName', `${where}.MetricStat.Metric.MetricName`);
  const dims = dimensions(
    list(metric, 'Dimensions', `${where}.MetricStat.Metric.Dimensions`),
    `${where}.MetricStat.Metric.Dimensions`,
  );
  const statName = requiredString(metricStat, 'Stat', `${where}.MetricStat.Stat`);
  const stat = parseStatistic(statName);
  if (!stat) {
    throw invalid(
      `The value ${statName} for parameter ${where}.MetricStat.Stat is invalid: use Sum, SampleCount, Average, Minimum, Maximum or pNN(.NN).`,
    );
  }
  const period = metricStat.Period;
  if (period === undefined || period === null) throw missing(`${where}.MetricStat.Period`);
  if (
    typeof period !== 'number' ||
    !Number.isInteger(period) ||
    period < 1 ||
    (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 20, 30].includes(period))
  ) {
    throw invalid(
      `The value ${String(period)} for parameter ${where}.MetricStat.Period is invalid: it must be 1, 5, 10, 20, 30 or a multiple of 60.`,
    );
  }
  const label = typeof raw.Label === 'string' && raw.Label !== '' ? raw.Label : metricName;
  return {
    id,
    label,
    returnData: raw.ReturnData !== false,
    identity: { namespace, metricName, dimensions: dims },
    stat,
    periodSeconds: period,
  };
}

/** GetMetricData for `MetricStat` queries: one result per query (unless `ReturnData` is false), all `Complete`. */
export function getMetricData(store: MetricStore, input: Input): unknown {
  if (input.StartTime === undefined || input.StartTime === null) throw missing('StartTime');
  if (input.EndTime === undefined || input.EndTime === null) throw missing('EndTime');
  const startMs = timestampMillis(input.StartTime, 'StartTime');
  const endMs = timestampMillis(input.EndTime, 'EndTime');
  if (endMs <= startMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = input.ScanBy ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalid(
      `The value ${String(scanBy)} for parameter ScanBy is invalid: use TimestampDescending or TimestampAscending.`,
    );
  }
  const raw = list(input, 'MetricDataQueries');
  if (raw.length === 0) throw missing('MetricDataQueries');
  if (raw.length > CloudWatchLimit.QUERIES_PER_GET) {
    throw invalid(
      `The collection MetricDataQueries must not have more than ${CloudWatchLimit.QUERIES_PER_GET} members.`,
    );
  }
  const queries = raw.map(query);
  const ids = new Set<string>();
  for (const q of queries) {
    if (ids.has(q.id)) throw invalid(`The value ${q.id} for parameter MetricDataQueries.Id is used twice.`);
    ids.add(q.id);
  }
  const maxDatapoints =
    typeof input.MaxDatapoints === 'number' ? input.MaxDatapoints : CloudWatchLimit.DATAPOINTS_PER_GET;
  const possible = queries.reduce(
    (sum, q) => sum + Math.ceil((endMs - startMs) / (q.periodSeconds * 1000)),
    0,
  );
  if (possible > Math.min(maxDatapoints, CloudWatchLimit.DATAPOINTS_PER_GET)) {
    throw invalid(
      `The window holds up to ${possible} data points; the local CloudWatch answers at most ${Math.min(maxDatapoints, CloudWatchLimit.DATAPOINTS_PER_GET)} per request (use a longer Period or a shorter window).`,
    );
  }
  const results = queries
    .filter((q) => q.returnData)
    .map((q) => {
      const values = aggregate(store.points(q.identity), q.stat, {
        startMs,
        endMs,
        periodSeconds: q.periodSeconds,
      });
      if (scanBy === 'TimestampDescending') values.reverse();
      return {
        Id: q.id,
        Label: q.label,
        Timestamps: values.map((v) => new Date(v.timestamp)),
        Values: values.map((v) => v.value),
        StatusCode: 'Complete',
        Messages: [],
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

/** ListMetrics: the metrics with data in the store, filtered by namespace, name and dimensions. */
export function listMetrics(store: MetricStore, input: Input): unknown {
  const namespace = typeof input.Namespace === 'string' ? input.Namespace : undefined;
  const metricName = typeof input.MetricName === 'string' ? input.MetricName : undefined;
  const filters = list(input, 'Dimensions').map((raw, i) => {
    if (!isRecord(raw)) throw invalid(`The parameter Dimensions.member.${i + 1} must be a dimension filter.`);
    const name = requiredString(raw, 'Name', `Dimensions.member.${i + 1}.Name`);
    return { name, ...(typeof raw.Value === 'string' ? { value: raw.Value } : {}) };
  });
  const metrics = store
    .list({ namespace, metricName, dimensions: filters })
    .slice(0, CloudWatchLimit.LIST_METRICS_PAGE)
    .map((m) => ({
      Namespace: m.namespace,
      MetricName: m.metricName,
      Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    }));
  return { Metrics: metrics };
}

/** The CloudWatch operations the local endpoint serves, by operation name. */
export const cloudWatchOperations: Readonly<Record<string, CloudWatchOperation>> = {
  PutMetricData: async (store, input) => {
    await putMetricData(store, input);
    return {};
  },
  GetMetricData: getMetricData,
  ListMetrics: listMetrics,
};
