import path from 'node:path';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  buildConsumerManifest,
  buildProducerManifest,
  busName,
  consumerManifestKey,
  consumerPlan,
  type DeploymentStatus,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  producerManifestKey,
  ruleName,
  serializeManifest,
  targetId,
} from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsEndpoint } from '../../src/aws/endpoint';
import { ApiDestinations } from '../../src/deployer/api-destinations';
import { DEPLOYED_RULE_DESCRIPTION } from '../../src/deployer/consumer-applier';
import { LocalDeployer, type LocalDeployerOptions } from '../../src/deployer/deployer';
import { ProducerRoutes } from '../../src/deployer/producers';
import { type LocalAws, startLocalAws } from '../support/local-aws';

const ENV = 'dep';
const PUBLISHER = 'dep-publisher';
const SUBSCRIBER = 'dep-subscriber';
const SCOPE = { environment: ENV, account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION };
const DATA = { type: 'object', properties: { weight_kg: { type: 'number' } } };

/** Statuses as the deployer records them, in order; `current` (the latest of each) may outlive a deployer. */
class RecordedStatuses {
  readonly events: string[] = [];
  constructor(readonly current = new Map<string, DeploymentStatus>()) {}
  async setProducerStatus(eventType: string, version: number, status: DeploymentStatus, reason?: string) {
    this.events.push(`${eventType}/${version} ${status}${reason ? `: ${reason}` : ''}`);
    this.current.set(`${eventType}/${version}`, status);
    return true;
  }
  async setSubscriptionStatus(id: string, status: DeploymentStatus, reason?: string) {
    this.events.push(`${id} ${status}${reason ? `: ${reason}` : ''}`);
    this.current.set(id, status);
    return true;
  }
  async getVersion(eventType: string, version: number) {
    const status = this.current.get(`${eventType}/${version}`);
    return status === undefined ? undefined : { status };
  }
  async getSubscription(id: string) {
    const status = this.current.get(id);
    return status === undefined ? undefined : { status };
  }
  /** The statuses of one producer (`type/version`) or subscription, in order. */
  of(subject: string): string[] {
    return this.events.filter((event) => event.startsWith(`${subject} `));
  }
}

describe('LocalDeployer', () => {
  let dataDir: string;
  let edge: AwsEndpoint;
  let aws: LocalAws;
  let s3: S3Client;
  let eventBridge: EventBridgeClient;
  let statuses: RecordedStatuses;
  let producers: ProducerRoutes;
  let deployer: LocalDeployer;

  const newDeployer = async (options: Partial<LocalDeployerOptions> = {}): Promise<LocalDeployer> => {
    const created = new LocalDeployer({
      s3,
      eventBridge,
      notifications: edge.s3Notifications,
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      busName: busName(ENV),
      statuses,
      producers,
      destinations: await ApiDestinations.open(path.join(dataDir, 'destinations.json')),
      ...options,
    });
    await created.start();
    return created;
  };
  const put = (bucket: string, key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const consumerManifest = (subscriptionId: string, overrides: Record<string, unknown> = {}) =>
    serializeManifest(
      buildConsumerManifest(
        {
          event_type: 'parcel_weighed',
          version: 1,
          connection_type: 'HTTPS',
          connection_string: 'https://consumer.example.com/hook',
          filter: { weight_kg: [{ numeric: ['>', 10] }] },
          retry_policy: { maximum_retry_attempts: 3, maximum_event_age_seconds: 120 },
          ...overrides,
        } as never,
        { ...SCOPE, subscription_id: subscriptionId, application: 'weighing' },
      ),
    );

  beforeAll(async () => {
    aws = await startLocalAws('bridgeport-deployer-', ENV);
    ({ dataDir, edge } = aws);
    s3 = new S3Client({});
    eventBridge = new EventBridgeClient({});
    await s3.send(new CreateBucketCommand({ Bucket: PUBLISHER }));
    await s3.send(new CreateBucketCommand({ Bucket: SUBSCRIBER }));
    await edge.bus.topology.ensureEventBus(busName(ENV));
  });

  beforeEach(async () => {
    statuses = new RecordedStatuses();
    producers = new ProducerRoutes();
    deployer = await newDeployer();
  });

  afterEach(async () => {
    await deployer.close();
  });

  afterAll(async () => {
    s3.destroy();
    eventBridge.destroy();
    await aws.close();
  });

  it("applies a consumer manifest as the plan's rule, target, retry policy and dead-letter queue", async () => {
    await put(
      SUBSCRIBER,
      consumerManifestKey('parcel_weighed', 1, 'sub000000001'),
      consumerManifest('sub000000001'),
    );
    await deployer.whenIdle();

    const rule = await eventBridge.send(
      new DescribeRuleCommand({
        Name: ruleName(ENV, 'parcel_weighed', 1, 'sub000000001'),
        EventBusName: busName(ENV),
      }),
    );
    const targets = await eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: busName(ENV) }),
    );
    expect(JSON.parse(rule.EventPattern ?? '')).toEqual({
      source: ['weighing'],
      'detail-type': ['parcel_weighed.1'],
      detail: { data: { weight_kg: [{ numeric: ['>', 10] }] } },
    });
    expect(targets.Targets).toEqual([
      {
        Id: targetId('sub000000001'),
        Arn: expect.stringMatching(
          new RegExp(
            `^arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:api-destination/dep-parcel_weighed-v1-sub000000001-destination/[-0-9a-f]{36}$`,
          ),
        ),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 },
        DeadLetterConfig: {
          Arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:dep-parcel_weighed-v1-sub000000001-dlq`,
        },
      },
    ]);
    expect(statuses.of('sub000000001')).toEqual(['sub000000001 DEPLOYING', 'sub000000001 ACTIVE']);
  });

  it("creates the consumer's dead-letter queue and redrive rule, and removes both with the consumer", async () => {
    const sqs = new SQSClient({});
    await deployer.close();
    deployer = await newDeployer({ sqs });
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000009');
    const plan = consumerPlan(JSON.parse(consumerManifest('sub000000009')));
    await put(SUBSCRIBER, key, consumerManifest('sub000000009'));
    await deployer.whenIdle();

    const redrive = await eventBridge.send(
      new DescribeRuleCommand({ Name: plan.redrive.ruleName, EventBusName: busName(ENV) }),
    );
    const [main] =
      (
        await eventBridge.send(
          new ListTargetsByRuleCommand({ Rule: plan.ruleName, EventBusName: busName(ENV) }),
        )
      ).Targets ?? [];
    const redriveTargets = await eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: plan.redrive.ruleName, EventBusName: busName(ENV) }),
    );
    expect(JSON.parse(redrive.EventPattern ?? '')).toEqual(plan.redrive.eventPattern);
    expect(redriveTargets.Targets).toEqual([{ ...main, InputPath: '$.detail.event' }]);
    expect(await edge.queues.queueExists(plan.deadLetterQueue.name)).toBe(true);

    await s3.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: key }));
    await deployer.whenIdle();

    const rules = await eventBridge.send(new ListRulesCommand({ EventBusName: busName(ENV) }));
    expect(rules.Rules?.map((rule) => rule.Name)).not.toContain(plan.redrive.ruleName);
    expect(await edge.queues.queueExists(plan.deadLetterQueue.name)).toBe(false);
    sqs.destroy();
  });

  it('tears the rule down when the manifest is removed', async () => {
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000002');
    await put(SUBSCRIBER, key, consumerManifest('sub000000002'));
    await deployer.whenIdle();

    await s3.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: key }));
    await deployer.whenIdle();

    const rules = await eventBridge.send(new ListRulesCommand({ EventBusName: busName(ENV) }));
    expect(rules.Rules?.map((rule) => rule.Name)).not.toContain(
      ruleName(ENV, 'parcel_weighed', 1, 'sub000000002'),
    );
    expect(deployer.appliedKeys().consumers).not.toContain(key);
  });

  it('records FAILED with the reason for a manifest that is not valid', async () => {
    await put(
      SUBSCRIBER,
      consumerManifestKey('parcel_weighed', 1, 'sub000000003'),
      '{"format": 1, "kind": "consumer"}',
    );
    await deployer.whenIdle();

    expect(statuses.of('sub000000003')).toEqual([
      'sub000000003 DEPLOYING',
      expect.stringMatching(/^sub000000003 FAILED: The manifest is not valid: \$\.environment is required; /),
    ]);
  });

  it('records FAILED with the reason when the rule cannot be created, and routes nothing', async () => {
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000004');
    await put(
      SUBSCRIBER,
      key,
      consumerManifest('sub000000004', { filter: { weight_kg: [{ numeric: ['>'] }] } }),
    );
    await deployer.whenIdle();

    expect(statuses.of('sub000000004')).toEqual([
      'sub000000004 DEPLOYING',
      'sub000000004 FAILED: The rule could not be deployed: Event pattern is not valid. Reason: Value of > must be numeric',
    ]);
    expect(deployer.appliedKeys().consumers).not.toContain(key);
  });

  it('serves HTTPS producers once their manifest is applied, and fails SQS producers with a reason', async () => {
    const manifest = (eventType: string, connectionType: string) =>
      serializeManifest(
        buildProducerManifest(
          {
            application: 'weighing',
            event_type: eventType,
            connection_type: connectionType,
            data: DATA,
          } as never,
          { ...SCOPE, version: 1 },
        ),
      );
    await put(PUBLISHER, producerManifestKey('parcel_weighed', 1), manifest('parcel_weighed', 'HTTPS'));
    await put(PUBLISHER, producerManifestKey('parcel_queued', 1), manifest('parcel_queued', 'SQS'));
    await deployer.whenIdle();

    const route = await producers.resolve('parcel_weighed', 1);
    expect(route?.route).toEqual({
      busName: busName(ENV),
      source: 'weighing',
      detailType: 'parcel_weighed.1',
    });
    expect(await producers.resolve('parcel_queued', 1)).toBeUndefined();
    expect([...statuses.of('parcel_weighed/1'), ...statuses.of('parcel_queued/1')]).toEqual([
      'parcel_weighed/1 DEPLOYING',
      'parcel_weighed/1 ACTIVE',
      'parcel_queued/1 DEPLOYING',
      'parcel_queued/1 FAILED: SQS producers have no local ingress; the local runtime serves HTTPS producers only.',
    ]);
  });

  it('fails to start when a component bucket cannot be read', async () => {
    const blind = new LocalDeployer({
      s3,
      eventBridge,
      notifications: edge.s3Notifications,
      publisherBucket: 'no-such-bucket',
      subscriberBucket: SUBSCRIBER,
      busName: busName(ENV),
      statuses,
      producers,
      destinations: await ApiDestinations.open(path.join(dataDir, 'blind.json')),
    });

    await expect(blind.start()).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await blind.close();
  });

  it('reconciles at start: every manifest applied once, rules it made without a manifest removed, others kept', async () => {
    await put(
      SUBSCRIBER,
      consumerManifestKey('parcel_weighed', 1, 'sub000000005'),
      consumerManifest('sub000000005'),
    );
    await deployer.whenIdle();
    await deployer.close();
    const orphan = ruleName(ENV, 'parcel_weighed', 1, 'orphan000001');
    await eventBridge.send(
      new PutRuleCommand({
        Name: orphan,
        EventBusName: busName(ENV),
        EventPattern: '{"source":["weighing"]}',
        Description: `${DEPLOYED_RULE_DESCRIPTION} orphan000001`,
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: orphan,
        EventBusName: busName(ENV),
        Targets: [{ Id: targetId('orphan000001'), Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }],
      }),
    );
    await eventBridge.send(
      new PutRuleCommand({ Name: 'hand-made', EventBusName: busName(ENV), EventPattern: '{"source":["x"]}' }),
    );
    statuses = new RecordedStatuses();

    deployer = await newDeployer();

    const rules = await eventBridge.send(new ListRulesCommand({ EventBusName: busName(ENV) }));
    const names = rules.Rules?.map((rule) => rule.Name) ?? [];
    expect(names).toContain(ruleName(ENV, 'parcel_weighed', 1, 'sub000000005'));
    expect(names).toContain('hand-made');
    expect(names).not.toContain(orphan);
    expect(names.filter((name) => name === ruleName(ENV, 'parcel_weighed', 1, 'sub000000005'))).toHaveLength(
      1,
    );
    expect(statuses.of('sub000000005')).toEqual(['sub000000005 DEPLOYING', 'sub000000005 ACTIVE']);
  });

  describe('when a manifest cannot be read', () => {
    const STUCK = consumerManifestKey('parcel_weighed', 1, 'stuck0000001');
    let flaky: S3Client;
    let reads: string[];
    /** Reads of these keys never answer, like a GET whose response never arrives. */
    let hanging: Set<string>;

    beforeEach(() => {
      reads = [];
      hanging = new Set([STUCK]);
      flaky = new S3Client({});
      const mock = mockClient(flaky);
      mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
        reads.push(input.Key ?? '');
        return hanging.has(input.Key ?? '')
          ? new Promise(() => undefined)
          : s3.send(new GetObjectCommand(input));
      });
      mock.on(ListObjectsV2Command).callsFake((input) => s3.send(new ListObjectsV2Command(input)));
      mock.on(ListObjectVersionsCommand).callsFake((input) => s3.send(new ListObjectVersionsCommand(input)));
    });

    afterEach(async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: STUCK }));
      await deployer.whenIdle();
    });

    it('records it FAILED after the task timeout, applies other manifests meanwhile, and applies it on its next change', async () => {
      await deployer.close();
      deployer = await newDeployer({ s3: flaky, taskTimeoutMs: 1500 });
      const other = consumerManifestKey('parcel_weighed', 1, 'sub000000010');

      await put(SUBSCRIBER, STUCK, consumerManifest('stuck0000001'));
      await put(SUBSCRIBER, other, consumerManifest('sub000000010'));
      await waitUntil(() => statuses.of('sub000000010').includes('sub000000010 ACTIVE'));
      const whileStuck = statuses.of('stuck0000001');
      await deployer.whenIdle();
      const afterTimeout = statuses.of('stuck0000001');
      hanging.clear();
      await put(SUBSCRIBER, STUCK, consumerManifest('stuck0000001'));
      await deployer.whenIdle();

      expect(whileStuck).toEqual([]);
      expect(afterTimeout).toEqual([
        'stuck0000001 FAILED: Applying the manifest did not finish within 1.5 s; it is applied again on its next change or at the next start.',
      ]);
      expect(statuses.of('stuck0000001').slice(1)).toEqual(['stuck0000001 DEPLOYING', 'stuck0000001 ACTIVE']);
      expect(deployer.appliedKeys().consumers).toEqual(expect.arrayContaining([STUCK, other]));
    });

    it('closes within the close timeout while a manifest is stuck, recording nothing for it', async () => {
      await deployer.close();
      deployer = await newDeployer({ s3: flaky, taskTimeoutMs: 60_000, closeTimeoutMs: 200 });
      await put(SUBSCRIBER, STUCK, consumerManifest('stuck0000001'));
      await waitUntil(() => reads.includes(STUCK));

      const started = Date.now();
      await deployer.close();

      expect(Date.now() - started).toBeLessThan(1500);
      expect(statuses.of('stuck0000001')).toEqual([]);
      deployer = await newDeployer();
    });
  });

  it('coalesces changes that arrive while a manifest is being applied into one more run, which applies the latest', async () => {
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000011');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    const gated = new S3Client({});
    mockClient(gated)
      .on(GetObjectCommand)
      .callsFake(async (input: GetObjectCommandInput) => {
        if (input.Key === key) {
          reads += 1;
          await gate;
        }
        return s3.send(new GetObjectCommand(input));
      })
      .on(ListObjectsV2Command)
      .callsFake((input) => s3.send(new ListObjectsV2Command(input)))
      .on(ListObjectVersionsCommand)
      .callsFake((input) => s3.send(new ListObjectVersionsCommand(input)));
    await deployer.close();
    deployer = await newDeployer({ s3: gated });
    let notified = 0;
    const stop = edge.s3Notifications.onChange((change) => {
      if (change.key === key) notified += 1;
    }, SUBSCRIBER);

    for (const threshold of [11, 12, 13, 14]) {
      await put(
        SUBSCRIBER,
        key,
        consumerManifest('sub000000011', { filter: { weight_kg: [{ numeric: ['>', threshold] }] } }),
      );
    }
    await waitUntil(() => notified === 4);
    release();
    await deployer.whenIdle();
    stop();

    const rule = await eventBridge.send(
      new DescribeRuleCommand({
        Name: ruleName(ENV, 'parcel_weighed', 1, 'sub000000011'),
        EventBusName: busName(ENV),
      }),
    );
    expect(reads).toBe(2);
    expect(statuses.of('sub000000011')).toEqual([
      'sub000000011 DEPLOYING',
      'sub000000011 ACTIVE',
      'sub000000011 DEPLOYING',
      'sub000000011 ACTIVE',
    ]);
    expect(JSON.parse(rule.EventPattern ?? '').detail).toEqual({
      data: { weight_kg: [{ numeric: ['>', 14] }] },
    });
  });

  it('at a restart, leaves the status of a manifest ACTIVE with the same content alone and applies changed ones', async () => {
    const stateFile = path.join(dataDir, 'deployer-state.json');
    const same = consumerManifestKey('parcel_weighed', 1, 'sub000000012');
    const changed = consumerManifestKey('parcel_weighed', 1, 'sub000000013');
    await deployer.close();
    deployer = await newDeployer({ stateFile });
    await put(SUBSCRIBER, same, consumerManifest('sub000000012'));
    await put(SUBSCRIBER, changed, consumerManifest('sub000000013'));
    await deployer.whenIdle();
    await deployer.close();
    await put(
      SUBSCRIBER,
      changed,
      consumerManifest('sub000000013', { filter: { weight_kg: [{ numeric: ['>', 99] }] } }),
    );
    statuses = new RecordedStatuses(statuses.current);

    deployer = await newDeployer({ stateFile });

    expect(statuses.of('sub000000012')).toEqual([]);
    expect(statuses.of('sub000000013')).toEqual(['sub000000013 DEPLOYING', 'sub000000013 ACTIVE']);
    expect(deployer.appliedKeys().consumers).toEqual(expect.arrayContaining([same, changed]));
    const rule = await eventBridge.send(
      new DescribeRuleCommand({
        Name: ruleName(ENV, 'parcel_weighed', 1, 'sub000000013'),
        EventBusName: busName(ENV),
      }),
    );
    expect(JSON.parse(rule.EventPattern ?? '').detail).toEqual({
      data: { weight_kg: [{ numeric: ['>', 99] }] },
    });
  });

  it('at a restart, records the statuses again when the recorded status is no longer ACTIVE', async () => {
    const stateFile = path.join(dataDir, 'deployer-state-2.json');
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000014');
    await deployer.close();
    deployer = await newDeployer({ stateFile });
    await put(SUBSCRIBER, key, consumerManifest('sub000000014'));
    await deployer.whenIdle();
    await deployer.close();
    statuses = new RecordedStatuses(statuses.current);
    await statuses.setSubscriptionStatus('sub000000014', 'PENDING' as DeploymentStatus);

    deployer = await newDeployer({ stateFile });

    expect(statuses.of('sub000000014')).toEqual([
      'sub000000014 PENDING',
      'sub000000014 DEPLOYING',
      'sub000000014 ACTIVE',
    ]);
  });

  describe('in a versioned bucket, as in AWS', () => {
    const VERSIONED = 'versioned-subscriber-bucket';
    const key = consumerManifestKey('parcel_weighed', 1, 'sub000000020');
    const rule = () =>
      eventBridge.send(
        new DescribeRuleCommand({
          Name: ruleName(ENV, 'parcel_weighed', 1, 'sub000000020'),
          EventBusName: busName(ENV),
        }),
      );

    beforeAll(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: VERSIONED }));
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: VERSIONED, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    });

    it('keeps the live rule when lifecycle expires an old version, and tears it down on a delete marker', async () => {
      await deployer.close();
      deployer = await newDeployer({ subscriberBucket: VERSIONED });
      const first = await s3.send(
        new PutObjectCommand({ Bucket: VERSIONED, Key: key, Body: consumerManifest('sub000000020') }),
      );
      await s3.send(
        new PutObjectCommand({
          Bucket: VERSIONED,
          Key: key,
          Body: consumerManifest('sub000000020', { filter: { weight_kg: [{ numeric: ['>', 50] }] } }),
        }),
      );
      await deployer.whenIdle();
      const before = statuses.of('sub000000020').length;

      await edge.s3Lifecycle.expireNoncurrentVersion(VERSIONED, key, first.VersionId ?? '');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await deployer.whenIdle();
      const live = await rule();
      const afterExpiry = statuses.of('sub000000020').slice(before);
      await s3.send(new DeleteObjectCommand({ Bucket: VERSIONED, Key: key }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await deployer.whenIdle();

      expect(JSON.parse(live.EventPattern ?? '').detail).toMatchObject({
        data: { weight_kg: [{ numeric: ['>', 50] }] },
      });
      expect(afterExpiry).toEqual([]);
      await expect(rule()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(deployer.appliedKeys().consumers).not.toContain(key);
    });
  });
});

/** Polls `condition` every 10 ms for up to 5 s. */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
