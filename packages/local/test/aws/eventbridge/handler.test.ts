import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalQueueStore } from '../../../src/aws/sqs/queue-store';
import { SqsTargetDispatcher } from '../../../src/bus/targets/sqs';
import { type AwsEndpoint, startAwsEndpoint } from '../../../src/index';

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
const REGION = 'eu-west-1';
const QUEUE_ARN = (name: string) => `arn:aws:sqs:${REGION}:000000000000:${name}`;

describe('the local EventBridge as AWS clients see it', () => {
  let dataDir: string;
  let endpoint: AwsEndpoint;
  let queues: LocalQueueStore;
  let eventBridge: EventBridgeClient;
  let sqs: SQSClient;
  /** The scheduler's clock: moved by the tests, never by time passing. */
  let clock = Date.UTC(2026, 0, 5, 10, 2, 30);
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  const receive = async (queue: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: queue }))).QueueUrl;
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return (Messages ?? []).map((message) => JSON.parse(message.Body ?? 'null') as Record<string, unknown>);
  };
  const runScheduler = async (at: number) => {
    clock = at;
    const sent = await endpoint.bus.scheduler.tick();
    await endpoint.bus.whenIdle();
    return sent;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-eb-clients-'));
    queues = new LocalQueueStore(path.join(dataDir, 'queues'), { region: REGION });
    endpoint = await startAwsEndpoint({
      port: 0,
      dataDir,
      region: REGION,
      queues,
      bus: { dispatchers: [new SqsTargetDispatcher(queues)], scheduler: { now: () => clock, tickMs: 0 } },
    });
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    process.env.AWS_ACCESS_KEY_ID = 'any-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'any-secret';
    process.env.AWS_REGION = REGION;
    eventBridge = new EventBridgeClient({});
    sqs = new SQSClient({});
  });

  afterAll(async () => {
    eventBridge.destroy();
    sqs.destroy();
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    await endpoint.close();
    await queues.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('PutEvents', () => {
    it('refuses an entry whose Source starts with aws. as AWS does, and puts the others', async () => {
      const result = await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
            { Source: 'parcel-tracking', DetailType: 'scanned_parcel.1', Detail: '{}' },
          ],
        }),
      );

      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]).toEqual({
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Not authorized for the source.',
      });
      expect(result.Entries?.[1]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('ListRuleNamesByTarget', () => {
    it('names the rules of a bus that have a target of that ARN, in pages', async () => {
      await eventBridge.send(new CreateEventBusCommand({ Name: 'targets-bus' }));
      for (const [rule, queue] of [
        ['b-rule', 'shared'],
        ['a-rule', 'shared'],
        ['c-rule', 'other'],
      ] as const) {
        await eventBridge.send(
          new PutRuleCommand({ Name: rule, EventBusName: 'targets-bus', EventPattern: '{"source":["x"]}' }),
        );
        await eventBridge.send(
          new PutTargetsCommand({
            Rule: rule,
            EventBusName: 'targets-bus',
            Targets: [{ Id: 'q', Arn: QUEUE_ARN(queue) }],
          }),
        );
      }

      const all = await eventBridge.send(
        new ListRuleNamesByTargetCommand({ TargetArn: QUEUE_ARN('shared'), EventBusName: 'targets-bus' }),
      );
      const first = await eventBridge.send(
        new ListRuleNamesByTargetCommand({
          TargetArn: QUEUE_ARN('shared'),
          EventBusName: 'targets-bus',
          Limit: 1,
        }),
      );
      const second = await eventBridge.send(
        new ListRuleNamesByTargetCommand({
          TargetArn: QUEUE_ARN('shared'),
          EventBusName: 'targets-bus',
          Limit: 1,
          NextToken: first.NextToken,
        }),
      );
      const elsewhere = await eventBridge.send(
        new ListRuleNamesByTargetCommand({ TargetArn: QUEUE_ARN('shared') }),
      );

      expect(all.RuleNames).toEqual(['a-rule', 'b-rule']);
      expect(all.NextToken).toBeUndefined();
      expect(first.RuleNames).toEqual(['a-rule']);
      expect(second.RuleNames).toEqual(['b-rule']);
      expect(elsewhere.RuleNames).toEqual([]);
    });

    it('answers ResourceNotFoundException for a bus that does not exist', async () => {
      await expect(
        eventBridge.send(
          new ListRuleNamesByTargetCommand({ TargetArn: QUEUE_ARN('x'), EventBusName: 'nowhere' }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'Event bus nowhere does not exist.',
      });
    });
  });

  describe('rules with a ScheduleExpression', () => {
    it.each([
      'rate(10 seconds)',
      'rate(1 minutes)',
      'rate(10 minute)',
      'rate(0 minutes)',
      'rate(10 MINUTES)',
      ' rate(10 minutes)',
      'cron(0 10 * * * *)',
      'cron(0 10 ? * ? *)',
      'cron(0 10 * *)',
      'cron(61 10 * * ? *)',
      'every minute',
    ])('refuses %j with ValidationException', async (expression) => {
      await expect(
        eventBridge.send(new PutRuleCommand({ Name: 'bad-schedule', ScheduleExpression: expression })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Parameter ScheduleExpression is not valid.',
      });
    });

    it('refuses a schedule on a custom bus', async () => {
      await expect(
        eventBridge.send(
          new PutRuleCommand({
            Name: 'custom-schedule',
            EventBusName: 'targets-bus',
            ScheduleExpression: 'rate(5 minutes)',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'ScheduleExpression is supported only on the default event bus.',
      });
    });

    it("sends a rate rule's targets the Scheduled Event of aws.events once per interval", async () => {
      const start = clock;
      const { RuleArn } = await eventBridge.send(
        new PutRuleCommand({ Name: 'every-minute', ScheduleExpression: 'rate(1 minute)' }),
      );
      await eventBridge.send(
        new PutTargetsCommand({ Rule: 'every-minute', Targets: [{ Id: 'q', Arn: QUEUE_ARN('ticks') }] }),
      );
      const { Rules } = await eventBridge.send(new ListRulesCommand({ NamePrefix: 'every-minute' }));

      const early = await runScheduler(start + 59_000);
      const due = await runScheduler(start + 60_000);
      const again = await runScheduler(start + 61_000);
      const [event] = await receive('ticks');

      expect(Rules?.[0]?.ScheduleExpression).toBe('rate(1 minute)');
      expect([early, due, again]).toEqual([0, 1, 0]);
      expect(event).toEqual({
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date(start + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: REGION,
        resources: [RuleArn],
        detail: {},
      });
      expect(RuleArn).toBe(`arn:aws:events:${REGION}:000000000000:rule/every-minute`);
      await eventBridge.send(new DisableRuleCommand({ Name: 'every-minute' }));
    });

    it('runs a cron rule at the minutes it names, in UTC, and not while it is disabled', async () => {
      clock = Date.UTC(2026, 0, 5, 10, 2, 30);
      await eventBridge.send(
        new PutRuleCommand({ Name: 'every-five', ScheduleExpression: 'cron(0/5 * * * ? *)' }),
      );
      await eventBridge.send(
        new PutTargetsCommand({ Rule: 'every-five', Targets: [{ Id: 'q', Arn: QUEUE_ARN('five') }] }),
      );

      const before = await runScheduler(Date.UTC(2026, 0, 5, 10, 4, 59));
      const at = await runScheduler(Date.UTC(2026, 0, 5, 10, 5, 0));
      await eventBridge.send(new DisableRuleCommand({ Name: 'every-five' }));
      const disabled = await runScheduler(Date.UTC(2026, 0, 5, 10, 10, 0));
      const events = await receive('five');

      expect([before, at, disabled]).toEqual([0, 1, 0]);
      expect(events.map((event) => [event.source, event['detail-type'], event.time])).toEqual([
        ['aws.events', 'Scheduled Event', '2026-01-05T10:05:00Z'],
      ]);
    });
  });
});
