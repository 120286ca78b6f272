import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventArchives } from '../../src/bus/archive';
import type { EventBridgeEvent } from '../../src/bus/types';

const DAY = 86_400_000;
const BUS_ARN = 'arn:aws:events:us-east-1:000000000000:event-bus/local.custom.events.bus';

function event(
  id: string,
  time: number,
  account = '000000000000',
): { event: EventBridgeEvent; eventJson: string } {
  const built: EventBridgeEvent = {
    version: '0',
    id,
    'detail-type': 't.1',
    source: 'app',
    account,
    time: `${new Date(time).toISOString().slice(0, 19)}Z`,
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
  return { event: built, eventJson: JSON.stringify(built) };
}

describe('EventArchives', () => {
  let dir: string;
  let now: number;
  const definition = {
    name: 'local.custom.events.bus-archive',
    busName: 'local.custom.events.bus',
    busArn: BUS_ARN,
    archiveArn: 'arn:aws:events:us-east-1:000000000000:archive/local.custom.events.bus-archive',
    eventPattern: JSON.stringify({ account: ['000000000000'] }),
    retentionDays: 2,
  };
  const ids = async (archives: EventArchives, from: number, to: number) => {
    const found: string[] = [];
    for await (const { event: archived } of archives.read(definition.name, from, to)) found.push(archived.id);
    return found;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-archive-'));
    now = Date.parse('2026-11-20T12:00:00Z');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('archives the events of its bus that match its pattern and reads a window by event time', async () => {
    const archives = await EventArchives.open(dir, { now: () => now });
    await archives.ensure(definition);
    archives.record(definition.busName, [
      event('a', now - 5000),
      event('b', now - 1000),
      event('x', now, '111111111111'),
    ]);
    archives.record('other-bus', [event('c', now - 1000)]);

    expect(await ids(archives, now - 2000, now + 1)).toEqual(['b']);
    expect(await ids(archives, now - 10_000, now + 1)).toEqual(['a', 'b']);
    expect(archives.describe(definition.name)).toMatchObject({
      EventCount: 2,
      RetentionDays: 2,
      State: 'ENABLED',
    });
    await archives.close();
  });

  it('keeps the order of events recorded while its day file is still being opened, and after', async () => {
    const archives = await EventArchives.open(dir, { now: () => now });
    await archives.ensure(definition);
    const names = Array.from({ length: 50 }, (_, i) => `e${i}`);

    for (const name of names.slice(0, 25)) archives.record(definition.busName, [event(name, now - 1000)]);
    expect(await ids(archives, now - 2000, now + 1)).toEqual(names.slice(0, 25));
    for (const name of names.slice(25)) archives.record(definition.busName, [event(name, now - 1000)]);

    expect(await ids(archives, now - 2000, now + 1)).toEqual(names);
    expect(archives.describe(definition.name).EventCount).toBe(50);
    await archives.close();
  });

  it('deletes days past the retention at the next start and keeps events since then', async () => {
    const archives = await EventArchives.open(dir, { now: () => now });
    await archives.ensure(definition);
    archives.record(definition.busName, [event('old', now)]);
    await archives.close();
    now += 3 * DAY;

    const reopened = await EventArchives.open(dir, { now: () => now });
    reopened.record(definition.busName, [event('new', now)]);

    expect(await ids(reopened, 0, now + 1)).toEqual(['new']);
    expect(reopened.describe(definition.name).EventCount).toBe(1);
    expect(reopened.keptSince(definition.archiveArn)).toBe(now - 2 * DAY);
    expect(() => reopened.describe('missing')).toThrow('Archive missing does not exist.');
    await reopened.close();
  });
});
