import { buildEnvelopeSchema } from '../src/envelope';
import { InvalidManifestError } from '../src/errors';
import { parseConsumerManifest } from '../src/manifest';
import { buildConsumerManifest, buildProducerManifest } from '../src/manifest-builders';

const target = { environment: 'dev', account: '123456789012', region: 'eu-west-1' };
const data = { type: 'object', required: ['parcel_id'], properties: { parcel_id: { type: 'string' } } };

describe('building a producer manifest', () => {
  it('builds a producer manifest from a request and its context', () => {
    const manifest = buildProducerManifest(
      {
        application: 'parcel-service',
        event_type: 'parcel_delivered',
        connection_type: 'HTTPS',
        data,
      },
      { ...target, version: 1 },
    );
    expect(manifest).toEqual({
      format: 1,
      kind: 'producer',
      ...target,
      application: 'parcel-service',
      event_type: 'parcel_delivered',
      version: 1,
      connection_type: 'HTTPS',
      schema: buildEnvelopeSchema(data),
    });
  });

  it('refuses to build a manifest with an invalid context', () => {
    expect(() =>
      buildProducerManifest(
        { application: 'parcel-service', event_type: 'parcel_delivered', connection_type: 'HTTPS', data },
        { ...target, region: 'moon', version: 1 },
      ),
    ).toThrow(InvalidManifestError);
  });
});

describe('building a consumer manifest', () => {
  it('builds a consumer manifest with the default retry policy and rate limit', () => {
    const manifest = buildConsumerManifest(
      {
        event_type: 'parcel_delivered',
        version: 2,
        connection_type: 'HTTPS',
        connection_string: 'https://hooks.example.com/parcels',
      },
      {
        ...target,
        subscription_id: 'abc123def456',
        application: 'parcel-service',
        secret_name: 'bridgeport/dev/consumers/abc123def456',
      },
    );
    expect(manifest).toEqual({
      format: 1,
      kind: 'consumer',
      ...target,
      subscription_id: 'abc123def456',
      application: 'parcel-service',
      event_type: 'parcel_delivered',
      version: 2,
      consumer: {
        type: 'HTTPS',
        connection_string: 'https://hooks.example.com/parcels',
        secret_name: 'bridgeport/dev/consumers/abc123def456',
        rate_limit_per_second: 10,
      },
      retry_policy: { maximum_event_age_seconds: 86400, maximum_retry_attempts: 185 },
    });
  });

  it('builds and parses a loopback http consumer manifest only when loopback http is allowed', () => {
    const request = {
      event_type: 'parcel_delivered',
      version: 2,
      connection_type: 'HTTPS' as const,
      connection_string: 'http://127.0.0.1:9000/sink',
    };
    const context = { ...target, subscription_id: 'abc123def456', application: 'parcel-service' };
    expect(() => buildConsumerManifest(request, context)).toThrow(
      '$.consumer.connection_string must be an absolute https:// URL',
    );
    const manifest = buildConsumerManifest(request, context, { allowLoopbackTargets: true });
    expect(manifest.consumer.connection_string).toBe('http://127.0.0.1:9000/sink');
    expect(parseConsumerManifest(manifest).ok).toBe(false);
    expect(parseConsumerManifest(manifest, 'local', { allowLoopbackTargets: true }).ok).toBe(true);
  });

  it('builds a Lambda consumer manifest with the request retry policy, target unit and filter', () => {
    const manifest = buildConsumerManifest(
      {
        event_type: 'parcel_delivered',
        version: 2,
        target_unit: 'north',
        filter: { weight: [{ numeric: ['>', 10] }] },
        connection_type: 'LAMBDA',
        connection_string: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
        retry_policy: { maximum_event_age_seconds: 600, maximum_retry_attempts: 2 },
      },
      { ...target, subscription_id: 'abc123def456', application: 'parcel-service', secret_name: 'ignored' },
    );
    expect(manifest.consumer).toEqual({
      type: 'LAMBDA',
      connection_string: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
    });
    expect(manifest.target_unit).toBe('north');
    expect(manifest.filter).toEqual({ weight: [{ numeric: ['>', 10] }] });
    expect(manifest.retry_policy).toEqual({ maximum_event_age_seconds: 600, maximum_retry_attempts: 2 });
  });
});
