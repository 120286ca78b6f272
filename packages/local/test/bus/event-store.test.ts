import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EventBridgeEvent, EventStore } from '../../src/index';

function event(n: number): EventBridgeEvent {
  return {
    version: '0',
    id: `id-${n}`,
    'detail-type': 'tick',
    source: 'test',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { n },
  };
}

function newEvent(n: number, targets = 1) {
  const ev = event(n);
  return {
    eventBusName: 'default',
    event: ev,
    eventJson: JSON.stringify(ev),
    deliveries: Array.from({ length: targets }, (_, i) => ({ ruleName: 'rule', targetId: `t${i}` })),
  };
}

describe('EventStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-log-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('recovers exactly the deliveries not marked done, with their attempt counts', async () => {
    const { store } = await EventStore.open(dir);
    const [first, second] = await store.append([newEvent(1, 2), newEvent(2), newEvent(3)]);
    store.markDone(first.seq, 0);
    store.recordAttempts(first.seq, 1, 4);
    store.markDone(first.seq + 2, 0);
    const owedBeforeClose = store.owedEvents;
    await store.close();

    const { store: reopened, recovered } = await EventStore.open(dir);
    await reopened.close();

    expect(
      recovered.map((r) => [r.stored.event.id, r.stored.deliveries[r.index].targetId, r.attempts]),
    ).toEqual([
      ['id-1', 't1', 4],
      ['id-2', 't0', 0],
    ]);
    expect(recovered[1].stored.seq).toBe(second.seq);
    expect(owedBeforeClose).toBe(2);
    expect(recovered[0].stored.eventJson).toBe(JSON.stringify(event(1)));
  });

  it('ignores a torn last record (an append that was never acknowledged)', async () => {
    const { store } = await EventStore.open(dir);
    await store.append([newEvent(1)]);
    await store.close();
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    await appendFile(
      path.join(dir, segment),
      '{"t":"e","s":2,"b":"default","at":1,"d":[["rule","t0"]],"ev":{"vers',
    );

    const { store: reopened, recovered } = await EventStore.open(dir);
    const [next] = await reopened.append([newEvent(3)]);
    await reopened.close();

    expect(recovered.map((r) => r.stored.event.id)).toEqual(['id-1']);
    expect(next.seq).toBe(2);
  });

  it('keeps events acknowledged after a torn last record', async () => {
    const { store } = await EventStore.open(dir);
    await store.append([newEvent(1)]);
    await store.close();
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    await appendFile(
      path.join(dir, segment),
      '{"t":"e","s":2,"b":"default","at":1,"d":[["rule","t0"]],"ev":{"vers',
    );

    const { store: reopened } = await EventStore.open(dir);
    await reopened.append([newEvent(3)]);
    await reopened.append([newEvent(4)]);
    await reopened.close();
    const { store: restarted, recovered } = await EventStore.open(dir);
    await restarted.close();

    expect(recovered.map((r) => r.stored.event.id)).toEqual(['id-1', 'id-3', 'id-4']);
  });

  it('rolls segments and deletes those whose deliveries are all complete', async () => {
    const { store } = await EventStore.open(dir, { segmentBytes: 1000 });
    const stored = [];
    for (let n = 0; n < 20; n += 1) stored.push(...(await store.append([newEvent(n)])));
    const segmentsWhileOwed = (await readdir(dir)).filter((name) => name.endsWith('.log')).length;
    for (const record of stored) store.markDone(record.seq, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.close();

    const { store: reopened, recovered } = await EventStore.open(dir, { segmentBytes: 1000 });
    const remaining = (await readdir(dir)).filter((name) => name.endsWith('.log')).length;
    await reopened.close();

    expect(segmentsWhileOwed).toBeGreaterThan(3);
    expect(recovered).toEqual([]);
    expect(remaining).toBeLessThanOrEqual(2);
  });

  it('writes concurrent appends with group commit and keeps their order', async () => {
    const { store } = await EventStore.open(dir);
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => store.append([newEvent(n)])));
    await store.close();
    const { store: reopened, recovered } = await EventStore.open(dir);
    await reopened.close();

    expect(results.map(([r]) => r.seq)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
    expect(recovered.map((r) => r.stored.event.id)).toEqual(Array.from({ length: 50 }, (_, n) => `id-${n}`));
  });
});
