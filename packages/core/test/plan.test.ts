import { buildEnvelopeSchema } from '../src/envelope';
import type { ConsumerManifest, ProducerManifest } from '../src/manifest';
import { consumerEventPattern, consumerPlan, producerPlan } from '../src/plan';
import { REDRIVE_DETAIL_TYPE } from '../src/redrive';

const where = { environment: 'dev', account: '123456789012', region: 'eu-west-1' };
const data = { type: 'object', properties: { parcel_id: { type: 'string' }, weight: { type: 'number' } } };
const ssm = {
  brokerRestApiId: '/bridgeport/dev/broker-api/id',
  brokerRestApiRootResourceId: '/bridgeport/dev/broker-api/root-resource-id',
  brokerApiStageName: '/bridgeport/dev/broker-api/stage-name',
  injectorFunctionArn: '/bridgeport/dev/broker/injector-function-arn',
  forwarderFunctionArn: '/bridgeport/dev/broker/forwarder-function-arn',
  eventBusArn: '/bridgeport/dev/bus/arn',
};

const producer: ProducerManifest = {
  format: 1,
  kind: 'producer',
  ...where,
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  version: 2,
  connection_type: 'HTTPS',
  schema: buildEnvelopeSchema(data),
};

describe('producerPlan', () => {
  it('plans an HTTPS producer: route, validation schema and draft-04 request model', () => {
    expect(producerPlan(producer)).toEqual({
      kind: 'producer',
      type: 'HTTPS',
      stackName: 'dev-producer-parcel-delivered-v2',
      environment: 'dev',
      account: '123456789012',
      region: 'eu-west-1',
      eventType: 'parcel_delivered',
      version: 2,
      source: 'parcel-service',
      detailType: 'parcel_delivered.2',
      busName: 'dev.custom.events.bus',
      validationSchema: producer.schema,
      requestModel: { $schema: 'http://json-schema.org/draft-04/schema#', ...producer.schema },
      draft04Incompatibilities: [],
      http: { pathParts: ['parcel_delivered', '2'], method: 'POST', apiKeyRequired: true },
      ssm,
    });
  });

  it('plans an SQS producer: ingress queue, dead-letter queue and the account as default sender', () => {
    const plan = producerPlan({ ...producer, connection_type: 'SQS' });

    expect(plan.type).toBe('SQS');
    expect(plan).not.toHaveProperty('http');
    expect(plan).toHaveProperty('sqs', {
      ingressQueueName: 'dev-parcel_delivered-v2-ingress',
      deadLetterQueueName: 'dev-parcel_delivered-v2-ingress-dlq',
      maxReceiveCount: 3,
      allowedPrincipals: ['123456789012'],
    });
  });

  it('uses the manifest allowed principals for an SQS producer', () => {
    const plan = producerPlan({ ...producer, connection_type: 'SQS', allowed_principals: ['210987654321'] });
    expect(plan).toHaveProperty('sqs.allowedPrincipals', ['210987654321']);
  });

  it('has no request model when the schema needs more than draft-04, and says why', () => {
    const plan = producerPlan({
      ...producer,
      schema: buildEnvelopeSchema({ type: 'object', properties: { k: { const: 1 } } }),
    });

    expect(plan.requestModel).toBeUndefined();
    expect(plan.draft04Incompatibilities).toEqual([
      {
        path: '$.properties.data.properties.k.const',
        keyword: 'const',
        message: '"const" (draft-06) is not supported by draft-04',
      },
    ]);
  });
});

const consumer: ConsumerManifest = {
  format: 1,
  kind: 'consumer',
  ...where,
  subscription_id: 'abc123def456',
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  version: 2,
  consumer: { type: 'LAMBDA', connection_string: 'arn:aws:lambda:eu-west-1:123456789012:function:notify' },
  retry_policy: { maximum_event_age_seconds: 3600, maximum_retry_attempts: 5 },
};

describe('consumerPlan', () => {
  it('plans a Lambda consumer', () => {
    expect(consumerPlan(consumer)).toEqual({
      kind: 'consumer',
      type: 'LAMBDA',
      stackName: 'dev-consumer-parcel-delivered-v2-abc123def456',
      ruleName: 'dev-parcel_delivered-v2-abc123def456',
      busName: 'dev.custom.events.bus',
      environment: 'dev',
      account: '123456789012',
      region: 'eu-west-1',
      subscriptionId: 'abc123def456',
      eventType: 'parcel_delivered',
      version: 2,
      source: 'parcel-service',
      detailType: 'parcel_delivered.2',
      eventPattern: { source: ['parcel-service'], 'detail-type': ['parcel_delivered.2'] },
      target: {
        id: 'abc123def456-target',
        type: 'LAMBDA',
        arn: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
      },
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 5 },
      deadLetterQueue: { name: 'dev-parcel_delivered-v2-abc123def456-dlq' },
      redrive: {
        ruleName: 'dev-parcel_delivered-v2-abc123def456-redrive',
        eventPattern: {
          source: ['bridgeport.redrive'],
          'detail-type': ['Bridgeport Redrive'],
          detail: { subscription_id: ['abc123def456'] },
        },
        inputPath: '$.detail.event',
      },
      alarmName: 'dev-parcel_delivered-v2-abc123def456-dlq-not-empty',
      ssm,
    });
  });

  it('gives the redrive rule a pattern no producer event can match', () => {
    const { redrive } = consumerPlan(consumer);

    // DetailType of producers' events is `{event_type}.{version}`: never with a space.
    expect(redrive.eventPattern['detail-type']).toEqual([REDRIVE_DETAIL_TYPE]);
    expect(REDRIVE_DETAIL_TYPE).toContain(' ');
  });

  it('plans an SQS consumer with the queue ARN as target', () => {
    const arn = 'arn:aws:sqs:eu-west-1:123456789012:parcels';
    const plan = consumerPlan({ ...consumer, consumer: { type: 'SQS', connection_string: arn } });

    expect(plan.type).toBe('SQS');
    expect(plan.target).toEqual({ id: 'abc123def456-target', type: 'SQS', arn });
  });

  it('plans an HTTPS consumer: API destination, connection, secret and rate limit', () => {
    const plan = consumerPlan({
      ...consumer,
      consumer: {
        type: 'HTTPS',
        connection_string: 'https://hooks.example.com/parcels',
        secret_name: 'bridgeport/dev/consumers/abc123def456',
        rate_limit_per_second: 25,
      },
    });

    expect(plan.target).toEqual({
      id: 'abc123def456-target',
      type: 'HTTPS',
      endpoint: 'https://hooks.example.com/parcels',
      secretName: 'bridgeport/dev/consumers/abc123def456',
      rateLimitPerSecond: 25,
      apiDestinationName: 'dev-parcel_delivered-v2-abc123def456-destination',
      connectionName: 'dev-parcel_delivered-v2-abc123def456-connection',
    });
  });

  it('applies the default rate limit to an HTTPS consumer without one', () => {
    const plan = consumerPlan({
      ...consumer,
      consumer: { type: 'HTTPS', connection_string: 'https://hooks.example.com/parcels' },
    });
    expect(plan.target).toHaveProperty('rateLimitPerSecond', 10);
    expect(plan.target).not.toHaveProperty('secretName');
  });
});

describe('consumerEventPattern', () => {
  it('matches source and detail-type only, without target unit or filter', () => {
    expect(consumerEventPattern(consumer)).toEqual({
      source: ['parcel-service'],
      'detail-type': ['parcel_delivered.2'],
    });
  });

  it('adds the target unit under detail.metadata.event_attributes.target', () => {
    expect(consumerEventPattern({ ...consumer, target_unit: 'north' })).toEqual({
      source: ['parcel-service'],
      'detail-type': ['parcel_delivered.2'],
      detail: { metadata: { event_attributes: { target: ['north'] } } },
    });
  });

  it('nests the filter under detail.data', () => {
    expect(consumerEventPattern({ ...consumer, filter: { weight: [{ numeric: ['>', 10] }] } })).toEqual({
      source: ['parcel-service'],
      'detail-type': ['parcel_delivered.2'],
      detail: { data: { weight: [{ numeric: ['>', 10] }] } },
    });
  });

  it('merges target unit and filter under one detail', () => {
    const manifest = { ...consumer, target_unit: 'north', filter: { parcel_id: [{ prefix: 'P-' }] } };
    expect(consumerPlan(manifest).eventPattern).toEqual({
      source: ['parcel-service'],
      'detail-type': ['parcel_delivered.2'],
      detail: {
        metadata: { event_attributes: { target: ['north'] } },
        data: { parcel_id: [{ prefix: 'P-' }] },
      },
    });
  });

  it('does not share the filter object with the manifest', () => {
    const manifest = { ...consumer, filter: { parcel_id: ['P-1'] } };
    const pattern = consumerEventPattern(manifest) as { detail: { data: { parcel_id: string[] } } };
    pattern.detail.data.parcel_id.push('P-2');
    expect(manifest.filter).toEqual({ parcel_id: ['P-1'] });
  });
});
