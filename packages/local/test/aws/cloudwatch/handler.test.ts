import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { GroupCommitFile } from '../../../src/bus/durable-file';
import { type AwsEndpoint, startAwsEndpoint } from '../../../src/index';

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
const MINUTE = 60_000;
const dimensions = [
  { Name: 'EventType', Value: 'order_created' },
  { Name: 'Version', Value: '1' },
];

describe('the local CloudWatch on the AWS endpoint', () => {
  let dataDir: string;
  let endpoint: AwsEndpoint;
  let cloudwatch: CloudWatchClient;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  // A window of whole minutes that ended a minute ago.
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;

  const open = async () => {
    endpoint = await startAwsEndpoint({ port: 0, dataDir });
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    cloudwatch = new CloudWatchClient({});
  };
  const put = (metricName: string, data: { t: number; value?: number; values?: number[] }[]) =>
    cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Test/Insights',
        MetricData: data.map((d) => ({
          MetricName: metricName,
          Dimensions: dimensions,
          Timestamp: new Date(d.t),
          ...(d.values ? { Values: d.values } : { Value: d.value }),
        })),
      }),
    );
  const query = (id: string, metricName: string, stat: string, period = 60) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'Test/Insights', MetricName: metricName, Dimensions: dimensions },
      Period: period,
      Stat: stat,
    },
  });

  /** Restarts the endpoint on the same data directory, then reads the first minute of the window. */
  const readAfterRestart = async (queries: ReturnType<typeof query>[]) => {
    cloudwatch.destroy();
    await endpoint.close();
    await open();
    return cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + MINUTE),
        MetricDataQueries: queries,
      }),
    );
  };

  beforeAll(() => {
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
    process.env.AWS_ACCESS_KEY_ID = 'any-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'any-secret';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(() => {
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-cloudwatch-'));
    await open();
  });
  afterEach(async () => {
    cloudwatch.destroy();
    await endpoint.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers GetMetricData with sums, counts and percentiles per period, newest first by default', async () => {
    await put('Published', [
      { t: base + 1000, value: 1 },
      { t: base + 2000, value: 1 },
      { t: base + MINUTE + 5, value: 1 },
    ]);
    await put('Latency', [
      { t: base + 1000, values: [10, 20, 30, 40] },
      { t: base + MINUTE, values: [500] },
    ]);

    const output = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + 5 * MINUTE),
        MetricDataQueries: [
          query('published', 'Published', 'Sum'),
          query('p50', 'Latency', 'p50'),
          { ...query('p99', 'Latency', 'p99'), Label: 'latency p99' },
          query('count', 'Latency', 'SampleCount'),
        ],
      }),
    );
    const byId = Object.fromEntries((output.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(byId.published).toMatchObject({
      Label: 'Published',
      StatusCode: 'Complete',
      Timestamps: [new Date(base + MINUTE), new Date(base)],
      Values: [1, 2],
    });
    expect(byId.p50).toMatchObject({
      Values: [500, 20],
      Timestamps: [new Date(base + MINUTE), new Date(base)],
    });
    expect(byId.p99).toMatchObject({ Label: 'latency p99', Values: [500, 40] });
    expect(byId.count?.Values).toEqual([1, 4]);

    const ascending = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + 5 * MINUTE),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [query('published', 'Published', 'Sum')],
      }),
    );
    expect(ascending.MetricDataResults?.[0]?.Values).toEqual([2, 1]);
  });

  it('matches a metric by its exact set of dimensions', async () => {
    await put('Published', [{ t: base, value: 3 }]);
    const output = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + MINUTE),
        MetricDataQueries: [
          {
            Id: 'fewer',
            MetricStat: {
              Metric: {
                Namespace: 'Test/Insights',
                MetricName: 'Published',
                Dimensions: [dimensions[0] as { Name: string; Value: string }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
          {
            Id: 'reordered',
            MetricStat: {
              Metric: {
                Namespace: 'Test/Insights',
                MetricName: 'Published',
                Dimensions: [...dimensions].reverse(),
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(output.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([
      ['fewer', []],
      ['reordered', [3]],
    ]);
  });

  it('keeps data points across a restart', async () => {
    await put('Published', [{ t: base, value: 2 }]);
    const output = await readAfterRestart([query('p', 'Published', 'Sum')]);
    expect(output.MetricDataResults?.[0]?.Values).toEqual([2]);
  });

  it('writes the data points of one PutMetricData request to disk at once, and keeps them all', async () => {
    const appends = jest.spyOn(GroupCommitFile.prototype, 'append');
    try {
      await put(
        'Published',
        Array.from({ length: 20 }, (_, i) => ({ t: base + i * 1000, value: i + 1 })),
      );
      expect(appends).toHaveBeenCalledTimes(1);
    } finally {
      appends.mockRestore();
    }
    const output = await readAfterRestart([
      query('p', 'Published', 'Sum'),
      query('n', 'Published', 'SampleCount'),
    ]);
    expect(output.MetricDataResults?.map((result) => result.Values)).toEqual([[210], [20]]);
  });

  it('lists the metrics it holds, filtered by namespace and dimension', async () => {
    await put('Published', [{ t: base, value: 1 }]);
    await put('Rejected', [{ t: base, value: 1 }]);
    const listed = await cloudwatch.send(
      new ListMetricsCommand({
        Namespace: 'Test/Insights',
        Dimensions: [{ Name: 'EventType', Value: 'order_created' }],
      }),
    );
    expect(listed.Metrics?.map((m) => m.MetricName).sort()).toEqual(['Published', 'Rejected']);
    const none = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'Other' }));
    expect(none.Metrics).toEqual([]);
  });

  it('refuses bad requests with CloudWatch errors naming the parameter', async () => {
    await expect(
      cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/Events', MetricData: [{ MetricName: 'X', Value: 1 }] }),
      ),
    ).rejects.toThrow(InvalidParameterValueException);
    const badStat = cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + MINUTE),
        MetricDataQueries: [query('q', 'Published', 'Median')],
      }),
    );
    await expect(badStat).rejects.toThrow(/MetricDataQueries\.member\.1\.MetricStat\.Stat is invalid/);
    await expect(badStat).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(base + MINUTE),
          EndTime: new Date(base),
          MetricDataQueries: [query('q', 'Published', 'Sum')],
        }),
      ),
    ).rejects.toThrow(/StartTime must be less than/);
    await expect(
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(base - 200 * 86_400_000),
          EndTime: new Date(base),
          MetricDataQueries: [query('q', 'Published', 'Sum', 1)],
        }),
      ),
    ).rejects.toThrow(/data points/);
  });

  it("speaks RPC v2 CBOR, CloudWatch's first-listed protocol", async () => {
    await put('Published', [{ t: base, value: 4 }]);
    const body = cbor.serialize({
      StartTime: dateToTag(new Date(base)),
      EndTime: dateToTag(new Date(base + MINUTE)),
      MetricDataQueries: [query('published', 'Published', 'Sum')],
    });
    const response = await fetch(
      `${endpoint.url}/service/GraniteServiceVersion20100801/operation/GetMetricData`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/cbor',
          accept: 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-query-mode': 'true',
        },
        body,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
    const decoded = cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as {
      MetricDataResults: { Id: string; Values: number[]; Timestamps: { tag: number; value: number }[] }[];
    };
    expect(decoded.MetricDataResults[0]).toMatchObject({ Id: 'published', Values: [4] });
    expect(decoded.MetricDataResults[0]?.Timestamps[0]).toMatchObject({ tag: 1, value: base / 1000 });

    const refused = await fetch(
      `${endpoint.url}/service/GraniteServiceVersion20100801/operation/GetMetricData`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' },
        body: cbor.serialize({ MetricDataQueries: [] }),
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-amzn-query-error')).toBe('MissingParameter;Sender');
  });

  it('speaks awsQuery, as older CLIs send it', async () => {
    const form = new URLSearchParams({
      Action: 'PutMetricData',
      Version: '2010-08-01',
      Namespace: 'Test/Insights',
      'MetricData.member.1.MetricName': 'Published',
      'MetricData.member.1.Timestamp': new Date(base).toISOString(),
      'MetricData.member.1.Value': '6',
      'MetricData.member.1.Dimensions.member.1.Name': 'EventType',
      'MetricData.member.1.Dimensions.member.1.Value': 'order_created',
      'MetricData.member.1.Dimensions.member.2.Name': 'Version',
      'MetricData.member.1.Dimensions.member.2.Value': '1',
    });
    const auth = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=any-key/20250101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
    };
    const put = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
      body: form,
    });
    expect(await put.text()).toContain('<PutMetricDataResponse');
    expect(put.status).toBe(200);
    const get = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
      body: new URLSearchParams({
        Action: 'GetMetricData',
        Version: '2010-08-01',
        StartTime: new Date(base).toISOString(),
        EndTime: new Date(base + MINUTE).toISOString(),
        'MetricDataQueries.member.1.Id': 'published',
        'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'Test/Insights',
        'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'Published',
        'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'EventType',
        'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': 'order_created',
        'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name': 'Version',
        'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value': '1',
        'MetricDataQueries.member.1.MetricStat.Period': '60',
        'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
      }),
    });
    const xml = await get.text();
    expect(get.status).toBe(200);
    expect(xml).toContain('<Id>published</Id>');
    expect(xml).toContain(
      `<Timestamps><member>${new Date(base).toISOString()}</member></Timestamps><Values><member>6</member></Values>`,
    );
  });
});
