import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { buildEventEntry, eventEntrySize } from '@bridgeport/broker';
import { busName, ruleName } from '@bridgeport/core';
import { cbor, dateToTag } from '@smithy/core/cbor';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  authHeaders,
  call,
  createEventType,
  envelope,
  producerKey,
  startTestRuntime,
  subscribe,
  tempDataDir,
} from './support';

const ENV = 'e2e';
const MAX_EVENT_SIZE = 2048;

interface SubscriptionFigures {
  readonly id: string;
  readonly endpoint?: string;
  readonly matched: number;
  readonly delivered: number;
  readonly failed: number;
  readonly dead_lettered: number;
  readonly retried: number;
  readonly latency_ms: { readonly p50: number | null; readonly p99: number | null };
  readonly series: readonly {
    readonly matched: number;
    readonly delivered: number;
    readonly failed: number;
  }[];
}
interface VersionFigures {
  readonly version: number;
  readonly published: number;
  readonly rejected: Record<string, number>;
  readonly event_size_bytes: { readonly avg: number | null; readonly max: number | null };
  readonly series: readonly { readonly published: number; readonly rejected: number }[];
  readonly subscriptions: readonly SubscriptionFigures[];
}

/** A consumer on loopback: refuses (500) every event whose `data.note` is "fail", accepts the others. */
async function startConsumer(): Promise<{ server: Server; url: string; received: Map<string, number> }> {
  const received = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id: string;
        detail: { data: { note?: string } };
      };
      const fail = event.detail.data.note === 'fail';
      if (!fail) received.set(event.id, Date.now());
      response.writeHead(fail ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/parcels`, received };
}

describe('insights after a known workload, through the portal, the SDK and the AWS CLI protocol', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let subscriptionId: string;
  let from: string;
  const sizes: number[] = [];
  const latencyBounds = { lower: Number.POSITIVE_INFINITY, upper: 0 };
  const N = 12;
  const K = 3;
  const portal = (route: string) => `${runtime.portalUrl}${route}`;

  const start = async () => {
    runtime = await startTestRuntime(dataDir, {
      environment: ENV,
      maxEventSizeBytes: MAX_EVENT_SIZE,
      retryCapMs: 40,
    });
  };
  const insights = async (as: Record<string, string>) => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await call(
      'GET',
      portal(`/events/scanned_parcel/insights?from=${from}&to=${to}&period=60`),
      undefined,
      {
        headers: as,
      },
    );
    expect(response.status).toBe(200);
    return response.body as { versions: VersionFigures[] };
  };

  beforeAll(async () => {
    dataDir = await tempDataDir('insights');
    consumer = await startConsumer();
    await start();
    from = new Date(Date.now() - 60_000).toISOString();
    await createEventType(runtime.portalUrl, 'scanned_parcel');
    subscriptionId = await subscribe(runtime.portalUrl, 'scanned_parcel', {
      team: 'shipping',
      connection_string: consumer.url,
      retry_policy: { maximum_retry_attempts: 1, maximum_event_age_seconds: 60 },
    });

    // N published (K of them refused by the consumer), and refusals: 3 for the schema, 1 for the size.
    const route = { busName: busName(ENV), source: 'parcel-tracking', detailType: 'scanned_parcel.1' };
    const posted = new Map<string, { sentAt: number; answeredAt: number }>();
    const key = await producerKey(runtime.portalUrl, 'scanned_parcel');
    for (let i = 0; i < N; i += 1) {
      const event = envelope('depot-7', {
        parcel_id: `P-${i}`,
        weight_kg: i + 0.5,
        ...(i < K ? { note: 'fail' } : {}),
      });
      sizes.push(eventEntrySize(buildEventEntry(route, event)));
      const sentAt = Date.now();
      const response = await call('POST', `${runtime.brokerUrl}/scanned_parcel/1`, event, key);
      expect(response.status).toBe(200);
      posted.set((response.body as { event_id: string }).event_id, { sentAt, answeredAt: Date.now() });
    }
    const refused = [
      await call('POST', `${runtime.brokerUrl}/scanned_parcel/1`, envelope('depot-7', { weight_kg: 1 }), key),
      await call(
        'POST',
        `${runtime.brokerUrl}/scanned_parcel/1`,
        envelope('depot-7', { parcel_id: 'P', weight_kg: -1 }),
        key,
      ),
      await call(
        'POST',
        `${runtime.brokerUrl}/scanned_parcel/1`,
        { data: { parcel_id: 'P', weight_kg: 1 } },
        key,
      ),
      await call(
        'POST',
        `${runtime.brokerUrl}/scanned_parcel/1`,
        envelope('depot-7', { parcel_id: 'P', weight_kg: 1, note: 'x'.repeat(MAX_EVENT_SIZE) }),
        key,
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 413]);
    await runtime.bus.whenIdle();
    const idleAt = Date.now();
    for (const [eventId, receivedAt] of consumer.received) {
      const timing = posted.get(eventId);
      if (timing === undefined) continue;
      // Ingestion lies between sending and the answer; acceptance between the consumer's receipt and idleness.
      latencyBounds.lower = Math.min(latencyBounds.lower, Math.max(0, receivedAt - timing.answeredAt));
      latencyBounds.upper = Math.max(latencyBounds.upper, idleAt - timing.sentAt);
    }
    expect(consumer.received.size).toBe(N - K);
  });

  afterAll(async () => {
    await runtime.close();
    await new Promise<void>((resolve) => consumer.server.close(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
  });

  const expectWorkload = (figures: { versions: VersionFigures[] }, withEndpoint: boolean) => {
    const [v1] = figures.versions;
    expect(v1).toMatchObject({
      version: 1,
      published: N,
      rejected: { schema: 3, size: 1, auth: 0, total: 4 },
      event_size_bytes: { avg: sizes.reduce((a, b) => a + b, 0) / N, max: Math.max(...sizes) },
    });
    expect(v1?.series.reduce((sum, point) => sum + point.published, 0)).toBe(N);
    expect(v1?.series.reduce((sum, point) => sum + point.rejected, 0)).toBe(4);
    const [subscription] = v1?.subscriptions ?? [];
    expect(subscription).toMatchObject({
      id: subscriptionId,
      matched: N,
      delivered: N - K,
      failed: K,
      dead_lettered: K,
      retried: K,
    });
    expect(subscription?.series.reduce((sum, point) => sum + point.delivered, 0)).toBe(N - K);
    if (withEndpoint) expect(subscription?.endpoint).toBe(consumer.url);
    else expect(subscription).not.toHaveProperty('endpoint');
    const { p50, p99 } = subscription?.latency_ms ?? {};
    expect(p50).toEqual(expect.any(Number));
    expect(p99).toBeGreaterThanOrEqual(p50 as number);
    expect(p50).toBeGreaterThanOrEqual(latencyBounds.lower);
    expect(p99).toBeLessThanOrEqual(latencyBounds.upper);
  };

  it('reports the exact counts of the workload, sizes, and latencies within the measured range', async () => {
    expectWorkload(await insights(await authHeaders({ team: 'shipping' })), true);
  });

  it("shows another team's subscription with its figures but without its endpoint", async () => {
    expectWorkload(await insights(await authHeaders({ team: 'billing' })), false);
  });

  it('ranks the event type in the catalog view', async () => {
    const response = await call('GET', portal(`/insights?from=${from}`));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      by_volume: [{ event_type: 'scanned_parcel', published: N }],
      by_failures: [{ event_type: 'scanned_parcel', failures: K + 4, failed: K, rejected: 4 }],
    });
  });

  const brokerDimensions = [
    { Name: 'service', Value: 'event-broker' },
    { Name: 'EventBusName', Value: busName(ENV) },
    { Name: 'EventType', Value: 'scanned_parcel' },
    { Name: 'Version', Value: '1' },
  ];
  const ruleDimensions = () => [
    { Name: 'EventBusName', Value: busName(ENV) },
    { Name: 'RuleName', Value: ruleName(ENV, 'scanned_parcel', 1, subscriptionId) },
  ];
  const window = () => ({
    start: new Date(Date.parse(from)),
    end: new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000),
  });
  const wholeWindow = () => Math.ceil((window().end.getTime() - window().start.getTime()) / 60_000) * 60;

  it('gives the same figures to a plain GetMetricData call on the AWS endpoint', async () => {
    const client = new CloudWatchClient({
      endpoint: runtime.awsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
    try {
      const output = await client.send(
        new GetMetricDataCommand({
          StartTime: window().start,
          EndTime: window().end,
          MetricDataQueries: [
            {
              Id: 'published',
              MetricStat: {
                Metric: {
                  Namespace: 'Bridgeport/Broker',
                  MetricName: 'Published',
                  Dimensions: brokerDimensions,
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
            {
              Id: 'schema',
              MetricStat: {
                Metric: {
                  Namespace: 'Bridgeport/Broker',
                  MetricName: 'Rejected',
                  Dimensions: [...brokerDimensions, { Name: 'Reason', Value: 'schema' }],
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
            {
              Id: 'failed',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Events',
                  MetricName: 'FailedInvocations',
                  Dimensions: ruleDimensions(),
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
            {
              Id: 'matched',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Events',
                  MetricName: 'MatchedEvents',
                  Dimensions: ruleDimensions(),
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
          ],
        }),
      );
      expect(Object.fromEntries((output.MetricDataResults ?? []).map((r) => [r.Id, r.Values]))).toEqual({
        published: [N],
        schema: [3],
        failed: [K],
        matched: [N],
      });
    } finally {
      client.destroy();
    }
  });

  it('gives the same figures to the request the AWS CLI sends (AWS JSON 1.0, as botocore ranks it first)', async () => {
    const seconds = (date: Date) => date.getTime() / 1000;
    const response = await fetch(`${runtime.awsUrl}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-mode': 'true',
        authorization:
          'AWS4-HMAC-SHA256 Credential=k/20261126/us-east-1/monitoring/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode, Signature=0',
      },
      body: JSON.stringify({
        StartTime: seconds(window().start),
        EndTime: seconds(window().end),
        MetricDataQueries: [
          {
            Id: 'size',
            MetricStat: {
              Metric: {
                Namespace: 'Bridgeport/Broker',
                MetricName: 'Rejected',
                Dimensions: [...brokerDimensions, { Name: 'Reason', Value: 'size' }],
              },
              Period: wholeWindow(),
              Stat: 'Sum',
            },
          },
          {
            Id: 'retried',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Events',
                MetricName: 'RetryInvocationAttempts',
                Dimensions: ruleDimensions(),
              },
              Period: wholeWindow(),
              Stat: 'Sum',
            },
          },
          {
            Id: 'largest',
            MetricStat: {
              Metric: {
                Namespace: 'Bridgeport/Broker',
                MetricName: 'EventSize',
                Dimensions: brokerDimensions,
              },
              Period: wholeWindow(),
              Stat: 'Maximum',
            },
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const decoded = (await response.json()) as { MetricDataResults: { Id: string; Values: number[] }[] };
    expect(Object.fromEntries(decoded.MetricDataResults.map((r) => [r.Id, r.Values]))).toEqual({
      size: [1],
      retried: [K],
      largest: [Math.max(...sizes)],
    });
  });

  it("gives the same figures to an RPC v2 CBOR request (CloudWatch's first-listed protocol)", async () => {
    const response = await fetch(
      `${runtime.awsUrl}/service/GraniteServiceVersion20100801/operation/GetMetricData`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/cbor',
          accept: 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-query-mode': 'true',
          authorization:
            'AWS4-HMAC-SHA256 Credential=k/20261126/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: cbor.serialize({
          StartTime: dateToTag(window().start),
          EndTime: dateToTag(window().end),
          MetricDataQueries: [
            {
              Id: 'published',
              MetricStat: {
                Metric: {
                  Namespace: 'Bridgeport/Broker',
                  MetricName: 'Published',
                  Dimensions: brokerDimensions,
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
            {
              Id: 'delivered',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Events',
                  MetricName: 'SuccessfulInvocationAttempts',
                  Dimensions: ruleDimensions(),
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
            {
              Id: 'dlq',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Events',
                  MetricName: 'InvocationsSentToDlq',
                  Dimensions: ruleDimensions(),
                },
                Period: wholeWindow(),
                Stat: 'Sum',
              },
            },
          ],
        }),
      },
    );
    expect(response.status).toBe(200);
    const decoded = cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as {
      MetricDataResults: { Id: string; Values: number[] }[];
    };
    expect(Object.fromEntries(decoded.MetricDataResults.map((r) => [r.Id, r.Values]))).toEqual({
      published: [N],
      delivered: [N - K],
      dlq: [K],
    });
  });

  it('keeps the figures across a restart', async () => {
    await runtime.close();
    await start();
    expectWorkload(await insights(await authHeaders({ team: 'shipping' })), true);
  });
});
