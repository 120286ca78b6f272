import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { powertoolsProducerMetrics } from '@bridgeport/broker';
import { EventBusMetrics } from '../../../src/aws/cloudwatch/event-bus-metrics';
import { MetricStore } from '../../../src/aws/cloudwatch/metric-store';
import { storeProducerMetrics } from '../../../src/aws/cloudwatch/producer-metrics';
import { ingestEmf } from './emf-ingestion';

describe('what reaches the local CloudWatch without PutMetricData', () => {
  let dir: string;
  let store: MetricStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-emf-'));
    store = await MetricStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests Powertools EMF records as CloudWatch Logs would: each metric under its dimension set', () => {
    const metrics = powertoolsProducerMetrics({ emit: (record) => ingestEmf(store, record) });
    const subject = { busName: 'local.custom.events.bus', eventType: 'order_created', version: 2 };
    metrics.published(subject, 300);
    metrics.published(subject, 500);
    metrics.rejected(subject, 'size');

    const dimensions = [
      { name: 'service', value: 'event-broker' },
      { name: 'EventBusName', value: 'local.custom.events.bus' },
      { name: 'EventType', value: 'order_created' },
      { name: 'Version', value: '2' },
    ];
    const values = (metricName: string, extra: { name: string; value: string }[] = []) =>
      store
        .points({ namespace: 'Bridgeport/Broker', metricName, dimensions: [...dimensions, ...extra] })
        .flatMap((point) =>
          'values' in point ? point.values.flatMap((value, i) => Array(point.counts[i]).fill(value)) : [],
        )
        .sort((a, b) => a - b);
    expect(values('Published')).toEqual([1, 1]);
    expect(values('EventSize')).toEqual([300, 500]);
    expect(values('Rejected', [{ name: 'Reason', value: 'size' }])).toEqual([1]);
    expect(values('Rejected')).toEqual([]);
  });

  it("records the producer edge's metrics directly as the same data points its EMF records become", async () => {
    const viaEmfDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-emf-'));
    const viaEmf = await MetricStore.open(viaEmfDir);
    try {
      const second = Math.floor(Date.now() / 1000) * 1000;
      // EMF carries Date.now(); the direct recorder gets the same second, so that the two can be compared whole.
      const direct = storeProducerMetrics(store, () => second + 500);
      const powertools = powertoolsProducerMetrics({
        emit: (record) => ingestEmf(viaEmf, { ...record, _aws: { ...record._aws, Timestamp: second + 500 } }),
      });
      const subjects = [
        { busName: 'local.custom.events.bus', eventType: 'order_created', version: 2 },
        { busName: 'local.custom.events.bus', eventType: 'parcel_shipped', version: 1 },
      ];
      for (const metrics of [direct, powertools]) {
        metrics.published(subjects[0], 300);
        metrics.published(subjects[0], 500);
        metrics.published(subjects[1], 300);
        metrics.rejected(subjects[0], 'size');
        metrics.rejected(subjects[1], 'auth');
        metrics.rejected(subjects[1], 'auth');
      }

      const everything = (target: MetricStore) =>
        target
          .list({})
          .map((identity) => ({ identity, points: target.points(identity) }))
          .sort((a, b) => JSON.stringify(a.identity).localeCompare(JSON.stringify(b.identity)));
      expect(everything(store)).toHaveLength(6);
      expect(everything(store)).toEqual(everything(viaEmf));
      await Promise.all([store.close(), viaEmf.close()]);
      // Units reach the file as EMF gives them.
      const lines = (dir: string) =>
        readFile(path.join(dir, 'metrics.jsonl'), 'utf8').then((text) =>
          text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { m: string; p: { unit?: string } })
            .map((line) => `${line.m}:${line.p.unit}`)
            .sort(),
        );
      expect(await lines(dir)).toEqual(await lines(viaEmfDir));
      expect(await lines(dir)).toContain('EventSize:Bytes');
    } finally {
      await viaEmf.close();
      await rm(viaEmfDir, { recursive: true, force: true });
    }
  });

  it('records one point per dimension set, skips sets whose values are missing, and ignores what is not EMF', () => {
    const recorded = ingestEmf(store, {
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'App',
            Dimensions: [['A'], ['A', 'B'], ['C']],
            Metrics: [{ Name: 'Hits', Unit: 'Count' }],
          },
        ],
      },
      A: 'a',
      B: 'b',
      Hits: [1, 2],
    });

    expect(recorded).toBe(2);
    expect(
      store
        .list({ namespace: 'App' })
        .map((m) => m.dimensions.map((d) => d.name).join('+'))
        .sort(),
    ).toEqual(['A', 'A+B']);
    expect(
      store.points({ namespace: 'App', metricName: 'Hits', dimensions: [{ name: 'A', value: 'a' }] }),
    ).toEqual([{ t: 1_700_000_000_000, values: [1, 2], counts: [1, 1] }]);
    expect(ingestEmf(store, { level: 'INFO', message: 'not a metric' })).toBe(0);
    expect(ingestEmf(store, 'text')).toBe(0);
  });

  it("records EventBridge's per-rule metrics from what the bus reports", () => {
    let now = 10_000;
    const bus = new EventBusMetrics(store, () => now);
    bus.matched('b', ['r1', 'r2']);
    bus.delivery({
      eventBusName: 'b',
      ruleName: 'r1',
      targetId: 't',
      eventId: 'e1',
      attempt: 1,
      outcome: 'retrying',
      ingestedAt: 9_000,
    });
    now = 10_250;
    bus.delivery({
      eventBusName: 'b',
      ruleName: 'r1',
      targetId: 't',
      eventId: 'e1',
      attempt: 2,
      outcome: 'delivered',
      ingestedAt: 9_000,
    });
    bus.delivery({
      eventBusName: 'b',
      ruleName: 'r2',
      targetId: 't',
      eventId: 'e1',
      attempt: 2,
      outcome: 'dead-lettered',
      ingestedAt: 9_000,
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    });

    const count = (ruleName: string, metricName: string) =>
      store
        .points({
          namespace: 'AWS/Events',
          metricName,
          dimensions: [
            { name: 'EventBusName', value: 'b' },
            { name: 'RuleName', value: ruleName },
          ],
        })
        .reduce(
          (sum, point) =>
            sum +
            ('values' in point ? point.values.reduce((a, b, i) => a + b * (point.counts[i] ?? 1), 0) : 0),
          0,
        );
    expect(
      [
        'MatchedEvents',
        'RetryInvocationAttempts',
        'SuccessfulInvocationAttempts',
        'Invocations',
        'FailedInvocations',
        'InvocationsSentToDlq',
      ].map((metric) => [metric, count('r1', metric), count('r2', metric)]),
    ).toEqual([
      ['MatchedEvents', 1, 1],
      ['RetryInvocationAttempts', 1, 0],
      ['SuccessfulInvocationAttempts', 1, 0],
      ['Invocations', 1, 1],
      ['FailedInvocations', 0, 1],
      ['InvocationsSentToDlq', 0, 1],
    ]);
    expect(count('r1', 'IngestionToInvocationSuccessLatency')).toBe(1250);
  });
});
