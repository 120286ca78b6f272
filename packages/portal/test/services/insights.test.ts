import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { call, member } from '../support/api';
import { orderCreated, shipOrders } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';

const cloudWatch = mockClient(CloudWatchClient);
const suite = usePortal();
let shipping: string;
let billing: string;

const FROM = '2026-11-26T09:00:00.000Z';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(FROM) + hours * HOUR);

/** What the fake CloudWatch holds: a series per metric, keyed by name and the dimension that tells them apart. */
function seriesFor(
  query: NonNullable<GetMetricDataCommandInput['MetricDataQueries']>[number],
): { t: Date; v: number }[] {
  const stat = query.MetricStat;
  const dims = Object.fromEntries((stat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const name = stat?.Metric?.MetricName;
  const rule = dims.RuleName ?? '';
  if (stat?.Metric?.Namespace === 'Bridgeport/Broker') {
    if (
      dims.service !== 'event-broker' ||
      dims.EventBusName !== 'test.custom.events.bus' ||
      dims.EventType !== 'order_created'
    )
      return [];
    if (dims.Version !== '2') return name === 'Published' ? [{ t: at(0), v: 2 }] : [];
    if (name === 'Published')
      return [
        { t: at(0), v: 400 },
        { t: at(1), v: 500 },
      ];
    if (name === 'Rejected' && dims.Reason === 'schema')
      return [
        { t: at(0), v: 3 },
        { t: at(1), v: 4 },
      ];
    if (name === 'Rejected' && dims.Reason === 'size') return [{ t: at(1), v: 1 }];
    if (name === 'EventSize') return [{ t: at(0), v: stat.Stat === 'Average' ? 512.5 : 2048 }];
    return [];
  }
  if (stat?.Metric?.Namespace !== 'AWS/Events' || dims.EventBusName !== 'test.custom.events.bus') return [];
  if (!rule.endsWith(shipping)) return [];
  switch (name) {
    case 'MatchedEvents':
      return [
        { t: at(0), v: 400 },
        { t: at(1), v: 500 },
      ];
    case 'SuccessfulInvocationAttempts':
      return [
        { t: at(0), v: 400 },
        { t: at(1), v: 495 },
      ];
    case 'FailedInvocations':
      return [{ t: at(1), v: 5 }];
    case 'InvocationsSentToDlq':
      return [{ t: at(1), v: 5 }];
    case 'RetryInvocationAttempts':
      return [{ t: at(1), v: 14 }];
    case 'IngestionToInvocationSuccessLatency':
      return [{ t: at(0), v: stat.Stat === 'p50' ? 38 : 910 }];
    default:
      return [];
  }
}

beforeAll(async () => {
  expect(
    (
      await call(suite.portal.events, {
        method: 'POST',
        resource: '/events',
        body: orderCreated({ application: 'orders' }),
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (
      await call(suite.portal.events, {
        method: 'PUT',
        resource: '/events/{event_type}',
        pathParameters: { event_type: 'order_created' },
        body: {
          data: {
            ...(orderCreated().data as object),
            properties: {
              ...(orderCreated().data as { properties: object }).properties,
              note: { type: 'string' },
            },
          },
        },
      })
    ).statusCode,
  ).toBe(200);
  const made = async (team: string) => {
    const response = await call(suite.portal.subscriptions, {
      method: 'POST',
      resource: '/subscriptions',
      body: shipOrders({ team, version: 2 }),
    });
    expect(response.statusCode).toBe(201);
    return String(response.body.id);
  };
  shipping = await made('shipping');
  billing = await made('billing');
});

beforeEach(() => {
  cloudWatch.reset();
  cloudWatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
      const series = seriesFor(query);
      return {
        Id: query.Id,
        StatusCode: 'Complete',
        Timestamps: series.map((p) => p.t),
        Values: series.map((p) => p.v),
      };
    }),
  }));
});

afterAll(async () => {
  cloudWatch.restore();
});

const insights = (query: Record<string, string>, as = member('shipping')) =>
  call(suite.portal.catalog, {
    method: 'GET',
    resource: '/events/{event_type}/insights',
    pathParameters: { event_type: 'order_created' },
    query,
    as,
  });

describe('GET /events/{event_type}/insights', () => {
  it('answers per version and per subscription from GetMetricData: sums, series, sizes and latencies', async () => {
    const response = await insights({ from: FROM, to: at(3).toISOString(), period: '3600' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      event_type: 'order_created',
      from: FROM,
      to: at(3).toISOString(),
      period: 3600,
    });
    const [v2, v1] = response.body.versions as Record<string, unknown>[];
    expect(v1).toMatchObject({
      version: 1,
      published: 2,
      rejected: { schema: 0, size: 0, auth: 0, total: 0 },
      subscriptions: [],
    });
    expect(v2).toMatchObject({
      version: 2,
      published: 900,
      rejected: { schema: 7, size: 1, auth: 0, total: 8 },
      event_size_bytes: { avg: 512.5, max: 2048 },
      series: [
        { timestamp: FROM, published: 400, rejected: 3 },
        { timestamp: at(1).toISOString(), published: 500, rejected: 5 },
      ],
    });
    const subscriptions = v2?.subscriptions as Record<string, unknown>[];
    const own = subscriptions.find((s) => s.id === shipping);
    const other = subscriptions.find((s) => s.id === billing);
    expect(own).toEqual({
      id: shipping,
      team: 'shipping',
      connection_type: 'LAMBDA',
      endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:ship-orders',
      status: expect.any(String),
      matched: 900,
      delivered: 895,
      failed: 5,
      dead_lettered: 5,
      retried: 14,
      latency_ms: { p50: 38, p99: 910 },
      series: [
        { timestamp: FROM, matched: 400, delivered: 400, failed: 0, dead_lettered: 0 },
        { timestamp: at(1).toISOString(), matched: 500, delivered: 495, failed: 5, dead_lettered: 5 },
      ],
    });
    // Another team's subscription: its figures, never its endpoint.
    expect(other).toMatchObject({
      id: billing,
      team: 'billing',
      matched: 0,
      latency_ms: { p50: null, p99: null },
      series: [],
    });
    expect(other).not.toHaveProperty('endpoint');
  });

  it('reads the whole window in one GetMetricData call, over the window and period asked', async () => {
    await insights({ from: FROM, to: at(3).toISOString(), period: '600' });

    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input as GetMetricDataCommandInput;
    expect(input.StartTime).toEqual(new Date(FROM));
    expect(input.EndTime).toEqual(at(3));
    const periods = new Set(input.MetricDataQueries?.map((q) => q.MetricStat?.Period));
    expect(periods).toEqual(new Set([600, 3 * 3600]));
    const p99 = input.MetricDataQueries?.filter((q) => q.MetricStat?.Stat === 'p99') ?? [];
    expect(p99.map((q) => q.MetricStat?.Metric)).toEqual(
      expect.arrayContaining(
        [shipping, billing].map((id) => ({
          Namespace: 'AWS/Events',
          MetricName: 'IngestionToInvocationSuccessLatency',
          Dimensions: [
            { Name: 'EventBusName', Value: 'test.custom.events.bus' },
            { Name: 'RuleName', Value: `test-order_created-v2-${id}` },
          ],
        })),
      ),
    );
    expect(p99).toHaveLength(2);
  });

  it('answers 400 naming the bad parameter, without reading any metric', async () => {
    const response = await insights({ from: FROM, to: at(3).toISOString(), period: '90' });

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'query.period', message: 'must be a multiple of 60 seconds from 60 to 86400, got 90' },
    ]);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('answers 404 for an unknown event type', async () => {
    const response = await call(suite.portal.catalog, {
      method: 'GET',
      resource: '/events/{event_type}/insights',
      pathParameters: { event_type: 'order_lost' },
    });
    expect(response.statusCode).toBe(404);
  });

  it('answers 401 without a signed-in caller', async () => {
    const response = await call(suite.portal.catalog, {
      method: 'GET',
      resource: '/events/{event_type}/insights',
      pathParameters: { event_type: 'order_created' },
      as: null,
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /insights', () => {
  it('ranks event types by volume and by failures (failed deliveries plus refused events)', async () => {
    const response = await call(suite.portal.catalog, {
      method: 'GET',
      resource: '/insights',
      query: { from: FROM, to: at(3).toISOString() },
    });

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      from: FROM,
      to: at(3).toISOString(),
      by_volume: [{ event_type: 'order_created', published: 902 }],
      by_failures: [{ event_type: 'order_created', failures: 13, failed: 5, rejected: 8 }],
    });
  });
});
