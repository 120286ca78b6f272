import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LocalBus,
  lambdaFunctionName,
  moduleFunctionLoader,
  sqsQueueName,
  standardTargetDispatchers,
} from '../../../src/index';

declare global {
  var __recordedInvocations: { event: unknown; functionName: string }[] | undefined;
}

describe('target kinds', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-targets-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads function names and queue names from ARNs of any partition', () => {
    expect(lambdaFunctionName('arn:aws:lambda:us-east-1:123456789012:function:consumer')).toBe('consumer');
    expect(lambdaFunctionName('arn:aws-cn:lambda:cn-north-1:123456789012:function:consumer:live')).toBe(
      'consumer',
    );
    expect(lambdaFunctionName('arn:aws:sqs:us-east-1:123456789012:queue')).toBeUndefined();
    expect(sqsQueueName('arn:aws:sqs:us-east-1:123456789012:parcel-queue')).toBe('parcel-queue');
    expect(sqsQueueName('https://example.com')).toBeUndefined();
  });

  it('loads a function module from the functions directory by name', async () => {
    const load = moduleFunctionLoader(path.join(__dirname, '../fixtures/functions'));

    expect(await load('record-event')).toEqual(expect.any(Function));
    expect(await load('missing')).toBeUndefined();
    expect(await load('../fixtures/functions/record-event')).toBeUndefined();
  });

  it('routes to every standard kind: a module function and a local queue', async () => {
    globalThis.__recordedInvocations = [];
    const { dispatchers, queues } = standardTargetDispatchers({
      functionsDir: path.join(__dirname, '../fixtures/functions'),
      queuesDir: path.join(dataDir, 'queues'),
    });
    const bus = await LocalBus.open({ dataDir, dispatchers, backoff: { baseMs: 2, capMs: 10 } });
    await bus.topology.putRule({ Name: 'r', EventPattern: '{"source":["app"]}' });
    await bus.topology.putTargets({
      Rule: 'r',
      Targets: [
        { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:record-event' },
        { Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:local-queue' },
      ],
    });

    const result = await bus.putEvents([{ Source: 'app', DetailType: 'x', Detail: '{"k":1}' }]);
    await bus.whenIdle();
    const messages = await queues?.peek('local-queue');
    await bus.close();

    expect(globalThis.__recordedInvocations).toEqual([
      {
        event: expect.objectContaining({ id: result.Entries[0].EventId, detail: { k: 1 } }),
        functionName: 'record-event',
      },
    ]);
    expect(messages?.map((m) => JSON.parse(m.body).id)).toEqual([result.Entries[0].EventId]);
  });
});
