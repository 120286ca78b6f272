import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  buildConsumerManifest,
  buildProducerManifest,
  busName,
  consumerManifestKey,
  type DeploymentStatus,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  producerManifestKey,
  ruleName,
  serializeManifest,
  targetId,
} from '@bridgeport/core';
import { type AwsEndpoint, startAwsEndpoint } from '../../src/aws/endpoint';
import { ApiDestinations } from '../../src/deployer/api-destinations';
import { DEPLOYED_RULE_DESCRIPTION, LocalDeployer } from '../../src/deployer/deployer';
import { ProducerRoutes } from '../../src/deployer/producers';
import { applyEnvironment, localEnvironment } from '../../src/runtime/environment';

const ENV = 'dep';
const PUBLISHER = 'dep-publisher';
const SUBSCRIBER = 'dep-subscriber';
const SCOPE = { environment: ENV, account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION };
const DATA = { type: 'object', properties: { weight_kg: { type: 'number' } } };

/** Statuses as the deployer records them, in order. */
class RecordedStatuses {
  readonly events: string[] = [];
  async setProducerStatus(eventType: string, version: number, status: DeploymentStatus, reason?: string) {
    this.events.push(`${eventType}/${version} ${status}${reason ? `: ${reason}` : ''}`);
    return true;
  }
  async setSubscriptionStatus(id: string, status: DeploymentStatus, reason?: string) {
    this.events.push(`${id} ${status}${reason ? `: ${reason}` : ''}`);
    return true;
  }
  /** The statuses of one producer (`type/version`) or subscription, in order. */
  of(subject: string): string[] {
    return this.events.filter((event) => event.startsWith(`${subject} `));
  }
}

describe('LocalDeployer', () => {
  let dataDir: string;
  let edge: AwsEndpoint;
  let restore: () => void;
  let s3: S3Client;
  let eventBridge: EventBridgeClient;
  let statuses: RecordedStatuses;
  let producers: ProducerRoutes;
  let deployer: LocalDeployer;

  const newDeployer = async (): Promise<LocalDeployer> => {
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
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-deployer-'));
    edge = await startAwsEndpoint({ port: 0, dataDir });
    restore = applyEnvironment(
      localEnvironment({ endpointUrl: edge.url, environment: ENV, maxEventSizeBytes: 262_144 }),
    );
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
    restore();
    await edge.close();
    await rm(dataDir, { recursive: true, force: true });
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
        Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:api-destination/dep-parcel_weighed-v1-sub000000001-destination`,
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 },
        DeadLetterConfig: {
          Arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:dep-parcel_weighed-v1-sub000000001-dlq`,
        },
      },
    ]);
    expect(statuses.of('sub000000001')).toEqual(['sub000000001 DEPLOYING', 'sub000000001 ACTIVE']);
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
});
