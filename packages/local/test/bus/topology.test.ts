import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Topology } from '../../src/index';

describe('Topology', () => {
  let dir: string;
  let topology: Topology;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-topology-'));
    topology = await Topology.open(path.join(dir, 'topology.json'), {
      account: '000000000000',
      region: 'us-east-1',
    });
  });

  afterEach(async () => {
    await topology.flush();
    await rm(dir, { recursive: true, force: true });
  });

  it('pages ListRules by NamePrefix and Limit, in name order', async () => {
    for (const name of ['sub-c', 'sub-a', 'other', 'sub-b']) {
      await topology.putRule({ Name: name, EventPattern: '{"source":["x"]}' });
    }

    const first = topology.listRules({ NamePrefix: 'sub-', Limit: 2 });
    const second = topology.listRules({ NamePrefix: 'sub-', Limit: 2, NextToken: first.nextToken });

    expect(first.items.map((rule) => rule.Name)).toEqual(['sub-a', 'sub-b']);
    expect(second.items.map((rule) => rule.Name)).toEqual(['sub-c']);
    expect(second.nextToken).toBeUndefined();
  });

  it('allows at most 5 targets per rule', async () => {
    await topology.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' });
    const targets = Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: `https://example.com/${i}` }));

    await expect(topology.putTargets({ Rule: 'r', Targets: targets })).rejects.toMatchObject({
      code: 'LimitExceededException',
      message: 'The requested resource exceeds the maximum number allowed.',
    });
  });

  it('rejects Input together with InputPath, and a retry policy out of range', async () => {
    await topology.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' });

    await expect(
      topology.putTargets({
        Rule: 'r',
        Targets: [{ Id: 't', Arn: 'https://example.com', Input: '{}', InputPath: '$.detail' }],
      }),
    ).rejects.toThrow('Only one of Input, InputPath, or InputTransformer must be provided for target t.');
    await expect(
      topology.putTargets({
        Rule: 'r',
        Targets: [{ Id: 't', Arn: 'https://example.com', RetryPolicy: { MaximumEventAgeInSeconds: 59 } }],
      }),
    ).rejects.toThrow(
      "1 validation error detected: Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    );
  });

  it('requires an existing bus, a pattern or schedule, and a valid rule name', async () => {
    await expect(
      topology.putRule({ Name: 'r', EventBusName: 'nope', EventPattern: '{"a":["b"]}' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: 'Event bus nope does not exist.',
    });
    await expect(topology.putRule({ Name: 'r' })).rejects.toThrow(
      'Parameter(s) EventPattern or ScheduleExpression must be specified.',
    );
    await expect(topology.putRule({ Name: 'bad name', EventPattern: '{"a":["b"]}' })).rejects.toMatchObject({
      code: 'ValidationException',
    });
  });

  it('stops routing to a disabled rule and lists custom buses', async () => {
    await topology.createEventBus({ Name: 'local.custom.events.bus' });
    await topology.putRule({
      Name: 'r',
      EventBusName: 'local.custom.events.bus',
      EventPattern: '{"source":["x"]}',
    });
    await topology.putTargets({
      Rule: 'r',
      EventBusName: 'local.custom.events.bus',
      Targets: [{ Id: 't', Arn: 'https://e.com' }],
    });
    const event = { source: 'x', 'detail-type': 'd', detail: {} };

    const enabled = topology.route('local.custom.events.bus', event);
    expect(topology.findTarget('local.custom.events.bus', 'r', 't')?.rule.State).toBe('ENABLED');
    await topology.setRuleState({ Name: 'r', EventBusName: 'local.custom.events.bus' }, 'DISABLED');
    const disabled = topology.route('local.custom.events.bus', event);

    expect(enabled).toEqual([{ ruleName: 'r', targetId: 't' }]);
    expect(disabled).toEqual([]);
    expect(topology.findTarget('local.custom.events.bus', 'r', 't')?.rule.State).toBe('DISABLED');
    expect(topology.listEventBuses().items.map((bus) => bus.Name)).toEqual([
      'default',
      'local.custom.events.bus',
    ]);
    await expect(topology.createEventBus({ Name: 'local.custom.events.bus' })).rejects.toMatchObject({
      code: 'ResourceAlreadyExistsException',
      message: 'Event bus local.custom.events.bus already exists.',
    });
  });

  it('opens a stored topology whose rule pattern no longer compiles, keeping the rule unrouted', async () => {
    await topology.putRule({ Name: 'good', EventPattern: '{"source":["x"]}' });
    await topology.putTargets({ Rule: 'good', Targets: [{ Id: 't', Arn: 'https://e.com' }] });
    await topology.flush();
    const file = path.join(dir, 'topology.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.rules.push({ ...stored.rules[0], name: 'broken', eventPattern: '{"source":"x"}' });
    await writeFile(file, JSON.stringify(stored));

    const reopened = await Topology.open(file, { account: '000000000000', region: 'us-east-1' });

    expect(reopened.loadProblems).toEqual([
      expect.stringContaining('Rule broken on default is not routed: Event pattern is not valid. Reason:'),
    ]);
    expect(reopened.route('default', { source: 'x' })).toEqual([{ ruleName: 'good', targetId: 't' }]);
    expect(reopened.listRules().items.map((rule) => rule.Name)).toEqual(['broken', 'good']);
  });
});
