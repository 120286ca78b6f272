import { DescribeArchiveCommand, EventBridgeClient, ListArchivesCommand } from '@aws-sdk/client-eventbridge';
import { busName, eventArchiveName } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType,
  publish as publishEvent,
  type Sink,
  startSink,
  startSuiteRuntime,
  subscribe as subscribeTo,
  type TestRuntime,
  waitFor,
} from './support';

const ENV = 'e2e';

interface Replay {
  readonly name: string;
  readonly state: string;
  readonly progress: number;
}

/** Waits until the clock has passed the next whole second; answers that second. */
async function nextSecond(): Promise<Date> {
  const boundary = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((resolve) => setTimeout(resolve, boundary - Date.now() + 20));
  return new Date(boundary);
}

describe('replay from the bus archive, to one subscription', () => {
  let suite: TestRuntime;
  let runtime: Bridgeport;
  let replayed: Sink;
  let other: Sink;
  let replayedId: string;
  const portal = (route: string) => suite.portal(route);

  const subscribe = (url: string): Promise<string> =>
    subscribeTo(runtime.portalUrl, 'scanned_parcel', { connection_string: url });
  const publish = async (parcel: string): Promise<string> => {
    const response = await publishEvent(runtime, 'scanned_parcel', { parcel_id: parcel, weight_kg: 1 });
    expect(response.status).toBe(200);
    return (response.body as { event_id: string }).event_id;
  };
  const bodies = (sink: Sink) =>
    sink.received.map((request) => JSON.parse(request.body) as Record<string, unknown>);

  beforeAll(async () => {
    replayed = await startSink();
    other = await startSink();
    suite = await startSuiteRuntime('replay', { environment: ENV, archiveRetentionDays: 2, retryCapMs: 40 });
    runtime = suite.runtime;
    await createEventType(runtime.portalUrl, 'scanned_parcel');
    replayedId = await subscribe(replayed.url('/parcels'));
    await subscribe(other.url('/parcels'));
  });

  afterAll(async () => {
    await suite?.close();
    await replayed.close();
    await other.close();
  });

  it('serves the bus archive, named as the AWS bus stack names it, with the retention it was started with', async () => {
    const eventBridge = new EventBridgeClient({ endpoint: runtime.awsUrl });
    const listed = await eventBridge.send(new ListArchivesCommand({}));
    const described = await eventBridge.send(
      new DescribeArchiveCommand({ ArchiveName: eventArchiveName(ENV) }),
    );
    eventBridge.destroy();

    expect(listed.Archives?.map((archive) => archive.ArchiveName)).toEqual([eventArchiveName(ENV)]);
    expect(described).toMatchObject({
      ArchiveName: eventArchiveName(ENV),
      EventSourceArn: expect.stringContaining(`:event-bus/${busName(ENV)}`),
      RetentionDays: 2,
      State: 'ENABLED',
    });
  });

  it('replays exactly the archived events of the window to that subscription only, with replay-name', async () => {
    const before = await publish('before');
    const from = await nextSecond();
    const inside = [await publish('in-1'), await publish('in-2')];
    const to = await nextSecond();
    const after = await publish('after');
    await runtime.bus.whenIdle();
    const replayedBefore = replayed.received.length;
    const otherBefore = other.received.length;

    const started = await call('POST', portal(`/subscriptions/${replayedId}/replay`), {
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(started.status).toBe(202);
    const name = (started.body as Replay).name;
    const done = await waitFor('the replay to complete', async () => {
      const described = await call('GET', portal(`/subscriptions/${replayedId}/replays/${name}`));
      return (described.body as Replay).state === 'COMPLETED' ? (described.body as Replay) : undefined;
    });
    await runtime.bus.whenIdle();

    expect(done).toMatchObject({ name, subscription_id: replayedId, progress: 1 });
    expect(
      bodies(replayed)
        .slice(0, replayedBefore)
        .map((event) => event.id),
    ).toEqual(expect.arrayContaining([before, ...inside, after]));
    const again = bodies(replayed).slice(replayedBefore);
    expect(again.map((event) => event.id)).toEqual(inside);
    expect(again.map((event) => event['replay-name'])).toEqual([name, name]);
    expect(other.received.length).toBe(otherBefore);
  });

  it('refuses a window outside the archive retention with 400 naming from', async () => {
    const now = Date.now();
    const refused = await call('POST', portal(`/subscriptions/${replayedId}/replay`), {
      from: new Date(now - 3 * 86_400_000).toISOString(),
      to: new Date(now - 60_000).toISOString(),
    });

    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('$.from');
    expect(JSON.stringify(refused.body)).toContain('the archive keeps events');
  });

  it('refuses a malformed window and answers 404 for a replay of another subscription', async () => {
    const malformed = await call('POST', portal(`/subscriptions/${replayedId}/replay`), {
      from: 'yesterday',
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    const unknown = await call(
      'GET',
      portal(`/subscriptions/${replayedId}/replays/someone-else-20261205T000000Z`),
    );

    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('$.from');
    expect(JSON.stringify(malformed.body)).toContain('must not be in the future');
    expect(unknown.status).toBe(404);
  });
});
