import { OptionError, parseRuntimeOptions } from '../src/options';

describe('parseRuntimeOptions', () => {
  it('uses the documented defaults', () => {
    expect(parseRuntimeOptions([], {})).toEqual({
      dataDir: '.bridgeport',
      host: '127.0.0.1',
      portalPort: 3000,
      brokerPort: 3001,
      awsPort: 4566,
      functionsDir: undefined,
      environment: 'local',
      region: 'us-east-1',
      demo: false,
      maxEventSizeBytes: 262144,
      retryBaseMs: 1000,
      archiveRetentionDays: 30,
      metricRetentionDays: 15,
      loopbackTls: false,
      allowLoopbackTargets: true,
      maxConnections: 1000,
    });
  });

  it('allows loopback targets by default, and turns them off by flag or environment variable', () => {
    expect(parseRuntimeOptions(['--no-allow-loopback-targets'], {}).allowLoopbackTargets).toBe(false);
    expect(parseRuntimeOptions([], { BRIDGEPORT_ALLOW_LOOPBACK_TARGETS: 'false' }).allowLoopbackTargets).toBe(
      false,
    );
    expect(
      parseRuntimeOptions(['--allow-loopback-targets'], { BRIDGEPORT_ALLOW_LOOPBACK_TARGETS: 'false' })
        .allowLoopbackTargets,
    ).toBe(true);
  });

  it('reads the connection limit', () => {
    expect(parseRuntimeOptions(['--max-connections', '64'], {}).maxConnections).toBe(64);
    expect(() => parseRuntimeOptions([], { BRIDGEPORT_MAX_CONNECTIONS: '0' })).toThrow(
      'BRIDGEPORT_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "0"',
    );
  });

  it('takes environment variables, and flags over them', () => {
    const options = parseRuntimeOptions(['--portal-port', '4000', '--demo'], {
      BRIDGEPORT_PORTAL_PORT: '5000',
      BRIDGEPORT_AWS_PORT: '4600',
      BRIDGEPORT_FUNCTIONS_DIR: '/fns',
    });
    expect(options).toMatchObject({ portalPort: 4000, awsPort: 4600, functionsDir: '/fns', demo: true });
  });

  it('names the option that is malformed', () => {
    expect(() => parseRuntimeOptions(['--broker-port', 'http'], {})).toThrow(
      new OptionError('--broker-port must be a port number from 0 to 65535, got "http"'),
    );
    expect(() => parseRuntimeOptions([], { BRIDGEPORT_MAX_EVENT_SIZE: '-1' })).toThrow(
      'BRIDGEPORT_MAX_EVENT_SIZE must be a positive number of bytes, got "-1"',
    );
    expect(() => parseRuntimeOptions(['--env', 'Prod'], {})).toThrow('--env must match');
  });

  it('takes the region from --region or BRIDGEPORT_REGION, and refuses one that is not a region code', () => {
    expect(parseRuntimeOptions([], { BRIDGEPORT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(
      parseRuntimeOptions(['--region', 'ap-southeast-2'], { BRIDGEPORT_REGION: 'eu-west-1' }).region,
    ).toBe('ap-southeast-2');
    expect(() => parseRuntimeOptions(['--region', 'Europe'], {})).toThrow(
      new OptionError('--region must be an AWS region code such as us-east-1 or eu-west-1, got "Europe"'),
    );
  });

  it('rejects an unknown flag', () => {
    expect(() => parseRuntimeOptions(['--portal', '1'], {})).toThrow(OptionError);
  });
});
