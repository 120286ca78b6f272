import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalQueueStore } from '../../../src/index';
import { runtimeLogger } from '../../../src/runtime/logger';

describe('LocalQueueStore log', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-queues-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a message acknowledged after a torn last line', async () => {
    const first = new LocalQueueStore(dir);
    await first.createQueue('q');
    await first.sendMessage('q', 'one');
    await first.close();
    await appendFile(path.join(dir, 'q.jsonl'), '{"t":"s","m":{"messageId":"torn","bo');

    const warn = jest.spyOn(runtimeLogger, 'warn').mockImplementation(() => undefined);
    const second = new LocalQueueStore(dir);
    await second.sendMessage('q', 'two-acknowledged');
    await second.close();
    const warnings = warn.mock.calls.map(([message, fields]) => [message, fields]);
    warn.mockRestore();

    const third = new LocalQueueStore(dir);
    const bodies = (await third.peek('q')).map((message) => message.body);
    await third.close();
    expect(bodies).toEqual(['one', 'two-acknowledged']);
    expect(warnings).toEqual([
      ['Dropped the torn last line of a log file', { filePath: path.join(dir, 'q.jsonl'), droppedBytes: 36 }],
    ]);
  });

  it('compacts the log while running, keeping every live message', async () => {
    const store = new LocalQueueStore(dir);
    await store.createQueue('q');
    await store.sendMessage('q', 'kept-1');
    await store.sendMessage('q', 'kept-2', { delaySeconds: 900 });
    for (let round = 0; round < 2000; round += 1) {
      await store.sendMessage('q', `round-${round}`);
      const received = await store.receive('q', { maxMessages: 10, visibilityTimeoutSeconds: 0 });
      for (const message of received.filter((m) => m.body.startsWith('round-'))) {
        await store.deleteMessage('q', message.receiptHandle);
      }
    }
    await store.close();

    const { size } = await stat(path.join(dir, 'q.jsonl'));
    expect(size).toBeLessThan(100_000);
    const reopened = new LocalQueueStore(dir);
    const messages = await reopened.peek('q');
    await reopened.close();
    expect(messages.map((message) => message.body).sort()).toEqual(['kept-1', 'kept-2']);
  });

  it('keeps receive counts across a compaction', async () => {
    const store = new LocalQueueStore(dir);
    await store.createQueue('q');
    await store.sendMessage('q', 'counted');
    for (let round = 0; round < 150; round += 1) {
      await store.receive('q', { visibilityTimeoutSeconds: 0 });
    }
    await store.close();

    const log = await readFile(path.join(dir, 'q.jsonl'), 'utf8');
    expect(log.trim().split('\n').length).toBeLessThan(103);
    const reopened = new LocalQueueStore(dir);
    const [message] = await reopened.receive('q', { visibilityTimeoutSeconds: 0 });
    await reopened.close();
    expect(message.body).toBe('counted');
    expect(message.receiveCount).toBe(151);
  });
});

describe('LocalQueueStore message counts', () => {
  const COUNTS = [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ];
  let dir: string;
  let store: LocalQueueStore;
  let clock: number;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-queues-'));
    clock = Date.parse('2026-03-01T12:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    store = new LocalQueueStore(dir);
    await store.createQueue('q');
  });

  afterEach(async () => {
    await store.close();
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  /** [visible, in flight, delayed]. */
  const counts = async () => {
    const attributes = await store.getAttributes('q', COUNTS);
    return COUNTS.map((name) => Number(attributes[name]));
  };

  it('counts visible, in-flight and delayed messages through sends, receives, deletes and timeouts', async () => {
    for (const body of ['a', 'b', 'c']) await store.sendMessage('q', body);
    await store.sendMessage('q', 'later', { delaySeconds: 10 });
    expect(await counts()).toEqual([3, 0, 1]);

    const [a, b] = await store.receive('q', { maxMessages: 2 });
    expect([a.body, b.body]).toEqual(['a', 'b']);
    expect(await counts()).toEqual([1, 2, 1]);

    await store.deleteMessage('q', a.receiptHandle);
    expect(await counts()).toEqual([1, 1, 1]);

    clock += 10_000; // the delay is over
    expect(await counts()).toEqual([2, 1, 0]);

    clock += 21_000; // b's visibility timeout (30 s) is over
    expect(await counts()).toEqual([3, 0, 0]);

    const [again] = await store.receive('q', { maxMessages: 1, visibilityTimeoutSeconds: 600 });
    expect(await counts()).toEqual([2, 1, 0]);
    await store.changeVisibility('q', again.receiptHandle, 0);
    expect(await counts()).toEqual([3, 0, 0]);

    await store.purge('q');
    expect(await counts()).toEqual([0, 0, 0]);
  });

  it('gives the counts with every attribute for All, and leaves them out when others are asked for', async () => {
    await store.sendMessage('q', 'visible');
    await store.sendMessage('q', 'delayed', { delaySeconds: 5 });

    const all = await store.getAttributes('q', ['All']);
    const some = await store.getAttributes('q', ['Policy', 'VisibilityTimeout', 'QueueArn']);

    expect(all).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '30',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
    });
    expect(some).toEqual({ VisibilityTimeout: '30', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q' });
    await expect(store.getAttributes('q', ['ApproximateNumberOfMessagesDelayed'])).resolves.toEqual({
      ApproximateNumberOfMessagesDelayed: '1',
    });
  });
});
