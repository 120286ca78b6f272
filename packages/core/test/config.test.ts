import { EnvVar, readEnvironmentName, readInt, readString } from '../src/config';
import { ConfigurationError } from '../src/errors';

describe('readString', () => {
  it('returns the value of a set variable', () => {
    expect(readString({ EVENTS_TABLE_NAME: 'dev-self-service-events-table' }, EnvVar.TABLE_NAME)).toBe(
      'dev-self-service-events-table',
    );
  });

  it('names a missing variable', () => {
    expect(() => readString({}, EnvVar.TABLE_NAME)).toThrow(
      new ConfigurationError('EVENTS_TABLE_NAME', 'Environment variable EVENTS_TABLE_NAME is not set'),
    );
  });

  it('treats an empty variable as missing and uses the default', () => {
    expect(readString({ EVENT_BUS_NAME: '  ' }, EnvVar.EVENT_BUS_NAME, { default: 'default' })).toBe(
      'default',
    );
    expect(() => readString({ EVENT_BUS_NAME: '' }, EnvVar.EVENT_BUS_NAME)).toThrow(
      'Environment variable EVENT_BUS_NAME is not set',
    );
  });

  it('names a variable that does not match the pattern', () => {
    expect(() => readString({ AWS_REGION: 'Mars' }, EnvVar.REGION, { pattern: /^[a-z]/ })).toThrow(
      'Environment variable AWS_REGION must match ^[a-z], got "Mars"',
    );
  });
});

describe('readInt', () => {
  it('parses an integer', () => {
    expect(readInt({ MAX_EVENT_SIZE_BYTES: '262144' }, EnvVar.MAX_EVENT_SIZE_BYTES)).toBe(262144);
  });

  it('applies the default when unset', () => {
    expect(readInt({}, EnvVar.MAX_EVENT_SIZE_BYTES, { default: 1024 })).toBe(1024);
  });

  it('names a malformed variable', () => {
    expect(() => readInt({ MAX_EVENT_SIZE_BYTES: '12kb' }, EnvVar.MAX_EVENT_SIZE_BYTES)).toThrow(
      'Environment variable MAX_EVENT_SIZE_BYTES must be an integer, got "12kb"',
    );
    expect(() => readInt({ MAX_EVENT_SIZE_BYTES: '1.5' }, EnvVar.MAX_EVENT_SIZE_BYTES)).toThrow(
      ConfigurationError,
    );
  });

  it('names a missing variable', () => {
    expect(() => readInt({}, EnvVar.MAX_EVENT_SIZE_BYTES)).toThrow(
      'Environment variable MAX_EVENT_SIZE_BYTES is not set',
    );
  });

  it('accepts the bounds and rejects values outside them', () => {
    const bounds = { min: 1, max: 262144 };
    expect(readInt({ N: '1' }, 'N', bounds)).toBe(1);
    expect(readInt({ N: '262144' }, 'N', bounds)).toBe(262144);
    expect(() => readInt({ N: '0' }, 'N', bounds)).toThrow(
      'Environment variable N must be at least 1, got 0',
    );
    expect(() => readInt({ N: '262145' }, 'N', bounds)).toThrow(
      'Environment variable N must be at most 262144, got 262145',
    );
  });
});

describe('readEnvironmentName', () => {
  it('reads a valid environment name', () => {
    expect(readEnvironmentName({ BRIDGEPORT_ENVIRONMENT: 'dev' })).toBe('dev');
  });

  it('rejects an environment name that cannot be used in resource names', () => {
    expect(() => readEnvironmentName({ BRIDGEPORT_ENVIRONMENT: 'Dev_1' })).toThrow(
      'Environment variable BRIDGEPORT_ENVIRONMENT must match ^[a-z][a-z0-9-]{0,19}$, got "Dev_1"',
    );
  });
});
