import { readPortalConfig } from '../src/config';

const base = {
  BRIDGEPORT_ENVIRONMENT: 'dev',
  BRIDGEPORT_ACCOUNT_ID: '123456789012',
  AWS_REGION: 'eu-west-1',
};

describe('readPortalConfig', () => {
  it('derives every resource name from the environment, account and region by default', () => {
    expect(readPortalConfig(base)).toEqual({
      environment: 'dev',
      account: '123456789012',
      region: 'eu-west-1',
      tableName: 'dev-self-service-events-table',
      schemaRegistryName: 'dev-bridgeport-events',
      schemasBackupBucket: 'dev-event-schemas-backup-bucket-123456789012-eu-west-1',
      publisherBucket: 'dev-publisher-components-bucket-123456789012-eu-west-1',
      subscriberBucket: 'dev-subscriber-components-bucket-123456789012-eu-west-1',
      allowLoopbackHttpConsumers: false,
    });
  });

  it('allows loopback http consumers only when told to, and names a malformed switch', () => {
    expect(
      readPortalConfig({ ...base, BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS: 'true' })
        .allowLoopbackHttpConsumers,
    ).toBe(true);
    expect(() => readPortalConfig({ ...base, BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS: 'yes' })).toThrow(
      /^Environment variable BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS must match/,
    );
  });

  it('takes the names the template sets', () => {
    const config = readPortalConfig({
      ...base,
      EVENTS_TABLE_NAME: 'table',
      SCHEMA_REGISTRY_NAME: 'registry',
      SCHEMAS_BACKUP_BUCKET: 'backups',
      PUBLISHER_COMPONENTS_BUCKET: 'publishers',
      SUBSCRIBER_COMPONENTS_BUCKET: 'subscribers',
    });

    expect(config).toMatchObject({
      tableName: 'table',
      schemaRegistryName: 'registry',
      schemasBackupBucket: 'backups',
      publisherBucket: 'publishers',
      subscriberBucket: 'subscribers',
    });
  });

  it('names the missing or malformed variable', () => {
    expect(() => readPortalConfig({ ...base, BRIDGEPORT_ACCOUNT_ID: undefined })).toThrow(
      'Environment variable BRIDGEPORT_ACCOUNT_ID is not set',
    );
    expect(() => readPortalConfig({ ...base, BRIDGEPORT_ACCOUNT_ID: '1234' })).toThrow(
      /^Environment variable BRIDGEPORT_ACCOUNT_ID must match/,
    );
  });
});
