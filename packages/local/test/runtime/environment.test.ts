import { localScope } from '@bridgeport/core';
import { applyEnvironment, clientUrl, localEnvironment } from '../../src/runtime/environment';

describe('local environment', () => {
  it('points every SDK client at the edge through the standard variables and restores the previous ones', () => {
    const env: NodeJS.ProcessEnv = {
      AWS_PROFILE: 'production',
      AWS_ENDPOINT_URL_S3: 'https://s3.example.com',
    };
    const restore = applyEnvironment(
      localEnvironment({
        endpointUrl: 'http://127.0.0.1:4566',
        environment: 'local',
        scope: localScope('eu-west-1'),
        maxEventSizeBytes: 1000,
      }),
      env,
    );

    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      BRIDGEPORT_ENVIRONMENT: 'local',
      BRIDGEPORT_ACCOUNT_ID: '000000000000',
      MAX_EVENT_SIZE_BYTES: '1000',
      BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS: 'true',
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    restore();
    expect(env).toEqual({ AWS_PROFILE: 'production', AWS_ENDPOINT_URL_S3: 'https://s3.example.com' });
  });

  it('gives clients a loopback address for wildcard and localhost hosts', () => {
    expect(clientUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(clientUrl('localhost', 3000)).toBe('http://127.0.0.1:3000');
    expect(clientUrl('::1', 3000)).toBe('http://[::1]:3000');
  });
});
