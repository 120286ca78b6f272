import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalBus } from '../../src/bus/local-bus';
import { inProcessEventBridgeClient } from '../../src/runtime/in-process-eventbridge';

describe('inProcessEventBridgeClient', () => {
  let dir: string;
  let bus: LocalBus;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-in-process-'));
    bus = await LocalBus.open({ dataDir: dir, maxEventSizeBytes: 100 });
  });

  afterAll(async () => {
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands PutEvents to the bus and answers with its result entries', async () => {
    const client = inProcessEventBridgeClient(bus);

    const output = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app', DetailType: 't.1', Detail: '{"a":1}' }, { Source: 'app' }],
      }),
    );

    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.Entries?.[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    });
    client.destroy();
  });

  it("raises the bus's refusal as the AWS error, a client fault", async () => {
    const client = inProcessEventBridgeClient(bus);

    const refused = client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app', DetailType: 't.1', Detail: JSON.stringify({ a: 'x'.repeat(200) }) }],
      }),
    );

    await expect(refused).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
      $fault: 'client',
    });
    client.destroy();
  });
});
