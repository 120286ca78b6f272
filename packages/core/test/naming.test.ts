import { ValidationError } from '../src/errors';
import {
  apiDestinationName,
  BucketKind,
  brokerApiName,
  bucketName,
  busName,
  connectionName,
  consumerAlarmName,
  consumerDeadLetterQueueName,
  consumerManifestKey,
  consumerSecretName,
  consumerStackName,
  detailType,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  NameLimit,
  newSubscriptionId,
  parseDetailType,
  parseManifestKey,
  portalApiName,
  producerApiKeyName,
  producerDeadLetterQueueName,
  producerIngressQueueName,
  producerManifestKey,
  producerStackName,
  producerUsagePlanName,
  ruleName,
  SUBSCRIPTION_ID_PATTERN,
  schemaBackupKey,
  schemaName,
  schemaRegistryName,
  shortenName,
  ssmParameterNames,
  stackNames,
  tableName,
  targetId,
} from '../src/naming';

const SUB = 'abc123def456';
/** A valid event type of exactly `length` characters. */
const eventTypeOf = (length: number): string => `e${'x'.repeat(length - 1)}`;
const ENV20 = 'abcdefghijklmnopqrst';
const HASHED = /-[0-9a-f]{8}$/;
const RULE_CHARS = /^[.\-_A-Za-z0-9]+$/;
const QUEUE_CHARS = /^[A-Za-z0-9_-]+$/;
const STACK_CHARS = /^[A-Za-z][-A-Za-z0-9]*$/;

describe('shortenName', () => {
  it('keeps a name at the limit unchanged', () => {
    const name = 'a'.repeat(64);
    expect(shortenName(name, 64)).toBe(name);
  });

  it('shortens a name over the limit to a readable prefix and a hash, exactly at the limit', () => {
    const name = `${'a'.repeat(60)}-tail`;
    const short = shortenName(name, 64);

    expect(short).toHaveLength(64);
    expect(short.startsWith('a'.repeat(55))).toBe(true);
    expect(short).toMatch(HASHED);
  });

  it('is deterministic and tells different long names apart', () => {
    const one = `${'a'.repeat(70)}-one`;
    const two = `${'a'.repeat(70)}-two`;

    expect(shortenName(one, 64)).toBe(shortenName(one, 64));
    expect(shortenName(one, 64)).not.toBe(shortenName(two, 64));
  });

  it('does not leave a separator before the hash', () => {
    const short = shortenName(`${'a'.repeat(54)}--${'b'.repeat(20)}`, 64);
    expect(short).toMatch(/^a{54}-[0-9a-f]{8}$/);
  });

  it('rejects a limit too small to hold the hash', () => {
    expect(() => shortenName('abcdefghijkl', 9)).toThrow(RangeError);
  });
});

describe('shared resource names', () => {
  it('names the shared stacks', () => {
    expect(stackNames('dev')).toEqual({
      schemasBackup: 'dev-event-schemas-backup-service',
      componentsStorage: 'dev-components-configuration-storage-service',
      brokerApi: 'dev-event-broker-api-service',
      bus: 'dev-event-broker-bus',
      portal: 'dev-self-service-portal',
      webPortal: 'dev-self-service-web-portal',
    });
  });

  it('names the table, bus, APIs and registry', () => {
    expect(tableName('dev')).toBe('dev-self-service-events-table');
    expect(busName('dev')).toBe('dev.custom.events.bus');
    expect(portalApiName('dev')).toBe('dev-self-service-portal-api');
    expect(brokerApiName('dev')).toBe('dev-event-broker-api');
    expect(schemaRegistryName('dev')).toBe('dev-bridgeport-events');
    expect(schemaName('parcel_delivered')).toBe('parcel_delivered');
  });

  it('keeps the longest environment name intact in every stack name', () => {
    for (const name of Object.values(stackNames(ENV20))) {
      expect(name.length).toBeLessThanOrEqual(NameLimit.STACK);
      expect(name).toMatch(STACK_CHARS);
      expect(name.startsWith(`${ENV20}-`)).toBe(true);
    }
  });

  it.each(['Dev', '1dev', 'dev_1', '', 'abcdefghijklmnopqrstu'])('rejects the environment name %j', (env) => {
    expect(() => tableName(env)).toThrow(ValidationError);
    expect(() => tableName(env)).toThrow(`Invalid environment name ${JSON.stringify(env)}`);
  });

  it('names the SSM parameters under the environment', () => {
    expect(ssmParameterNames('dev')).toEqual({
      brokerRestApiId: '/bridgeport/dev/broker-api/id',
      brokerRestApiRootResourceId: '/bridgeport/dev/broker-api/root-resource-id',
      brokerApiStageName: '/bridgeport/dev/broker-api/stage-name',
      injectorFunctionArn: '/bridgeport/dev/broker/injector-function-arn',
      forwarderFunctionArn: '/bridgeport/dev/broker/forwarder-function-arn',
      eventBusArn: '/bridgeport/dev/bus/arn',
    });
  });
});

describe('bucketName', () => {
  it('appends account and region to each bucket kind', () => {
    const scope = { environment: 'dev', account: '123456789012', region: 'eu-west-1' };
    expect(bucketName(BucketKind.SCHEMAS_BACKUP, scope)).toBe(
      'dev-event-schemas-backup-bucket-123456789012-eu-west-1',
    );
    expect(bucketName(BucketKind.PUBLISHER, scope)).toBe(
      'dev-publisher-components-bucket-123456789012-eu-west-1',
    );
    expect(bucketName(BucketKind.SUBSCRIBER, scope)).toBe(
      'dev-subscriber-components-bucket-123456789012-eu-west-1',
    );
  });

  it('uses the local account and region of the embedded runtime', () => {
    expect(
      bucketName(BucketKind.PUBLISHER, {
        environment: 'local',
        account: LOCAL_ACCOUNT_ID,
        region: LOCAL_REGION,
      }),
    ).toBe('local-publisher-components-bucket-000000000000-us-east-1');
  });

  it('keeps a name of exactly 63 characters', () => {
    const name = bucketName(BucketKind.SUBSCRIBER, {
      environment: 'a'.repeat(11),
      account: '123456789012',
      region: 'us-east-1',
    });
    expect(name).toBe(`${'a'.repeat(11)}-subscriber-components-bucket-123456789012-us-east-1`);
    expect(name).toHaveLength(63);
  });

  it('shortens a name of 64 characters deterministically to a valid bucket name', () => {
    const scope = { environment: 'a'.repeat(12), account: '123456789012', region: 'us-east-1' };
    const name = bucketName(BucketKind.SUBSCRIBER, scope);

    expect(name).toHaveLength(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(name).toMatch(HASHED);
    expect(bucketName(BucketKind.SUBSCRIBER, scope)).toBe(name);
    expect(bucketName(BucketKind.SUBSCRIBER, { ...scope, region: 'us-east-2' })).not.toBe(name);
  });

  it('shortens the longest inputs within 63 characters', () => {
    const name = bucketName(BucketKind.SUBSCRIBER, {
      environment: ENV20,
      account: '123456789012',
      region: 'ap-southeast-2',
    });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.startsWith(`${ENV20}-subscriber-components-bucket`)).toBe(true);
  });

  it('rejects a malformed account, region or reserved prefix', () => {
    expect(() =>
      bucketName(BucketKind.PUBLISHER, { environment: 'dev', account: '12345', region: 'us-east-1' }),
    ).toThrow('Invalid account id "12345": must be 12 digits');
    expect(() =>
      bucketName(BucketKind.PUBLISHER, { environment: 'dev', account: '123456789012', region: 'US' }),
    ).toThrow('Invalid region "US"');
    expect(() =>
      bucketName(BucketKind.PUBLISHER, {
        environment: 'xn--a',
        account: '123456789012',
        region: 'us-east-1',
      }),
    ).toThrow('must not start with xn--');
  });
});

describe('per-event-type and per-subscription names', () => {
  it('names producer and consumer stacks with hyphens in place of underscores', () => {
    expect(producerStackName('dev', 'parcel_delivered', 2)).toBe('dev-producer-parcel-delivered-v2');
    expect(consumerStackName('dev', 'parcel_delivered', 2, SUB)).toBe(
      `dev-consumer-parcel-delivered-v2-${SUB}`,
    );
  });

  it('keeps stack names for the longest ids whole, valid and within 128 characters', () => {
    const eventType = eventTypeOf(64);
    const version = Number.MAX_SAFE_INTEGER;
    const producer = producerStackName(ENV20, eventType, version);
    const consumer = consumerStackName(ENV20, eventType, version, SUB);

    expect(producer).toBe(`${ENV20}-producer-${eventType}-v${version}`);
    expect(consumer).toBe(`${ENV20}-consumer-${eventType}-v${version}-${SUB}`);
    expect(consumer.length).toBeLessThanOrEqual(NameLimit.STACK);
    expect(consumer).toMatch(STACK_CHARS);
  });

  it('names the rule, target, destination, connection, alarm and secret of a subscription', () => {
    expect(ruleName('dev', 'parcel_delivered', 1, SUB)).toBe(`dev-parcel_delivered-v1-${SUB}`);
    expect(targetId(SUB)).toBe(`${SUB}-target`);
    expect(apiDestinationName('dev', 'parcel_delivered', 1, SUB)).toBe(
      `dev-parcel_delivered-v1-${SUB}-destination`,
    );
    expect(connectionName('dev', 'parcel_delivered', 1, SUB)).toBe(
      `dev-parcel_delivered-v1-${SUB}-connection`,
    );
    expect(consumerAlarmName('dev', 'parcel_delivered', 1, SUB)).toBe(
      `dev-parcel_delivered-v1-${SUB}-dlq-not-empty`,
    );
    expect(consumerSecretName('dev', SUB)).toBe(`bridgeport/dev/consumers/${SUB}`);
  });

  it('names the queues', () => {
    expect(consumerDeadLetterQueueName('dev', 'parcel_delivered', 1, SUB)).toBe(
      `dev-parcel_delivered-v1-${SUB}-dlq`,
    );
    expect(producerIngressQueueName('dev', 'parcel_delivered', 1)).toBe('dev-parcel_delivered-v1-ingress');
    expect(producerDeadLetterQueueName('dev', 'parcel_delivered', 1)).toBe(
      'dev-parcel_delivered-v1-ingress-dlq',
    );
  });

  it('names the API key and the usage plan of an event type’s HTTP producers, within their limits', () => {
    const longest = `e${'x'.repeat(63)}`;

    expect(producerApiKeyName('dev', 'parcel_delivered')).toBe('dev-parcel_delivered-producer-key');
    expect(producerUsagePlanName('dev', 'parcel_delivered')).toBe('dev-parcel_delivered-producers');
    expect(producerApiKeyName(ENV20, longest).length).toBeLessThanOrEqual(NameLimit.API_KEY);
    expect(producerUsagePlanName(ENV20, longest).length).toBeLessThanOrEqual(NameLimit.USAGE_PLAN);
    expect(() => producerApiKeyName('dev', 'Not-A-Type')).toThrow(ValidationError);
  });

  // [name function, limit, allowed characters, event type length that lands exactly on the limit]
  const limited: [string, (eventType: string) => string, number, RegExp, number][] = [
    ['ruleName', (t) => ruleName('dev', t, 1, SUB), NameLimit.RULE, RULE_CHARS, 44],
    [
      'apiDestinationName',
      (t) => apiDestinationName('dev', t, 1, SUB),
      NameLimit.API_DESTINATION,
      RULE_CHARS,
      32,
    ],
    ['connectionName', (t) => connectionName('dev', t, 1, SUB), NameLimit.CONNECTION, RULE_CHARS, 33],
    [
      'consumerDeadLetterQueueName',
      (t) => consumerDeadLetterQueueName('dev', t, 1, SUB),
      NameLimit.QUEUE,
      QUEUE_CHARS,
      56,
    ],
    [
      'producerIngressQueueName',
      (t) => producerIngressQueueName(ENV20, t, 1),
      NameLimit.QUEUE,
      QUEUE_CHARS,
      48,
    ],
    [
      'producerDeadLetterQueueName',
      (t) => producerDeadLetterQueueName(ENV20, t, 1),
      NameLimit.QUEUE,
      QUEUE_CHARS,
      44,
    ],
  ];

  it.each(limited)('%s keeps a name exactly at the limit', (_name, build, limit, chars, atLimit) => {
    const name = build(eventTypeOf(atLimit));
    expect(name).toHaveLength(limit);
    expect(name).toContain(eventTypeOf(atLimit));
    expect(name).toMatch(chars);
  });

  it.each(limited)(
    '%s shortens a name one over the limit, deterministically',
    (_name, build, limit, chars, atLimit) => {
      const name = build(eventTypeOf(atLimit + 1));
      expect(name.length).toBeLessThanOrEqual(limit);
      expect(name.length).toBeGreaterThan(limit - 4);
      expect(name).toMatch(HASHED);
      expect(name).toMatch(chars);
      expect(build(eventTypeOf(atLimit + 1))).toBe(name);
      expect(build(`${eventTypeOf(atLimit)}y`)).not.toBe(name);
    },
  );

  it('keeps names for the longest event type unique per subscription', () => {
    const eventType = eventTypeOf(64);
    expect(ruleName(ENV20, eventType, 1, SUB)).not.toBe(ruleName(ENV20, eventType, 1, 'zzz123def456'));
    expect(ruleName(ENV20, eventType, 1, SUB)).not.toBe(ruleName(ENV20, eventType, 2, SUB));
  });

  it('rejects invalid ids with the field in the problem', () => {
    expect(() => ruleName('dev', 'Parcel', 1, SUB)).toThrow('Invalid event type "Parcel": must match');
    expect(() => ruleName('dev', 'parcel', 0, SUB)).toThrow(
      'Invalid version 0: must be an integer of at least 1',
    );
    expect(() => ruleName('dev', 'parcel', 1.5, SUB)).toThrow(ValidationError);
    try {
      ruleName('dev', 'parcel', 1, 'sub-1');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect((error as ValidationError).problems).toEqual([
        { path: '$.subscription_id', message: 'must match ^[a-z0-9]{12}$' },
      ]);
    }
  });
});

describe('keys and detail types', () => {
  it('builds manifest and backup keys', () => {
    expect(producerManifestKey('parcel_delivered', 3)).toBe('parcel_delivered/3/deploy.json');
    expect(consumerManifestKey('parcel_delivered', 3, SUB)).toBe(`parcel_delivered/3/${SUB}/deploy.json`);
    expect(schemaBackupKey('parcel_delivered', 3)).toBe('parcel_delivered/v3.json');
  });

  it('parses the manifest keys it builds', () => {
    expect(parseManifestKey(producerManifestKey('parcel_delivered', 3))).toEqual({
      kind: 'producer',
      eventType: 'parcel_delivered',
      version: 3,
    });
    expect(parseManifestKey(consumerManifestKey('parcel_delivered', 3, SUB))).toEqual({
      kind: 'consumer',
      eventType: 'parcel_delivered',
      version: 3,
      subscriptionId: SUB,
    });
  });

  it.each([
    'parcel_delivered/3/other.json',
    'parcel_delivered/v3.json',
    'parcel_delivered/0/deploy.json',
    'Parcel/1/deploy.json',
    'parcel/1/short/deploy.json',
    '/parcel/1/deploy.json',
    'parcel/1/abc123def456/extra/deploy.json',
  ])('does not take %j for a manifest key', (key) => {
    expect(parseManifestKey(key)).toBeUndefined();
  });

  it('builds and parses detail types', () => {
    expect(detailType('parcel_delivered', 2)).toBe('parcel_delivered.2');
    expect(parseDetailType('parcel_delivered.2')).toEqual({ eventType: 'parcel_delivered', version: 2 });
    expect(parseDetailType('parcel_delivered')).toBeUndefined();
    expect(parseDetailType('parcel_delivered.0')).toBeUndefined();
  });
});

describe('newSubscriptionId', () => {
  it('returns 12 characters of [a-z0-9] and differs between calls', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newSubscriptionId()));
    for (const id of ids) expect(id).toMatch(SUBSCRIPTION_ID_PATTERN);
    expect(ids.size).toBe(50);
  });
});
