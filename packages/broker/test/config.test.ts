import { ConfigurationError } from '@bridgeport/core';
import { readForwarderConfig, readInjectorConfig } from '../src/config';

describe('broker configuration', () => {
  const base = { PUBLISHER_COMPONENTS_BUCKET: 'dev-publisher-components-bucket-123456789012-eu-west-1' };

  it('defaults the event size limit to 256 KB', () => {
    expect(readInjectorConfig(base)).toEqual({
      publisherBucket: base.PUBLISHER_COMPONENTS_BUCKET,
      maxEventSizeBytes: 262144,
      producerCacheTtlSeconds: 60,
    });
  });

  it('reads how long producer manifests are cached, 0 included', () => {
    expect(readInjectorConfig({ ...base, PRODUCER_CACHE_TTL_SECONDS: '0' }).producerCacheTtlSeconds).toBe(0);
    expect(readInjectorConfig({ ...base, PRODUCER_CACHE_TTL_SECONDS: '300' }).producerCacheTtlSeconds).toBe(
      300,
    );
    expect(() => readInjectorConfig({ ...base, PRODUCER_CACHE_TTL_SECONDS: '3601' })).toThrow(
      'Environment variable PRODUCER_CACHE_TTL_SECONDS must be at most 3600, got 3601',
    );
  });

  it('reads a forwarder configuration', () => {
    const config = readForwarderConfig({
      ...base,
      MAX_EVENT_SIZE_BYTES: '1048576',
      PRODUCER_EVENT_TYPE: 'parcel_registered',
      PRODUCER_EVENT_VERSION: '2',
      PRODUCER_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
    });

    expect(config).toEqual({
      publisherBucket: base.PUBLISHER_COMPONENTS_BUCKET,
      maxEventSizeBytes: 1048576,
      producerCacheTtlSeconds: 60,
      eventType: 'parcel_registered',
      version: 2,
      deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
    });
  });

  it('names the missing variable', () => {
    expect(() => readForwarderConfig(base)).toThrow(ConfigurationError);
    expect(() => readForwarderConfig(base)).toThrow('Environment variable PRODUCER_EVENT_TYPE is not set');
  });

  it('rejects a size limit over 1 MB', () => {
    expect(() => readInjectorConfig({ ...base, MAX_EVENT_SIZE_BYTES: '2000000' })).toThrow(
      'Environment variable MAX_EVENT_SIZE_BYTES must be at most 1048576, got 2000000',
    );
  });
});
