import { parseAuditArguments, parseRestoreArguments } from '../../src/cli/options';
import { ArgumentError } from '../../src/errors';

const ENV = { AWS_REGION: 'eu-west-1' };

describe('restore and audit command lines', () => {
  it('restores the registry and the table when no store is named', () => {
    expect(parseRestoreArguments(['--env', 'prod'], ENV)).toEqual({
      help: false,
      environment: 'prod',
      region: 'eu-west-1',
      json: false,
      targets: ['registry', 'table'],
      dryRun: false,
      force: false,
      includeDeleted: false,
    });
  });

  it('takes every restore option', () => {
    const parsed = parseRestoreArguments(
      [
        '--env',
        'prod',
        '--account',
        '123456789012',
        '--region',
        'us-west-2',
        '--table',
        '--backups',
        '--dry-run',
        '--json',
        '--force',
        '--include-deleted',
        '--as-of',
        '2026-12-01T00:00:00Z',
      ],
      ENV,
    );
    expect(parsed).toEqual({
      help: false,
      environment: 'prod',
      account: '123456789012',
      region: 'us-west-2',
      json: true,
      targets: ['backups', 'table'],
      dryRun: true,
      force: true,
      includeDeleted: true,
      asOf: new Date('2026-12-01T00:00:00Z'),
    });
  });

  it('takes the account from BRIDGEPORT_ACCOUNT_ID when not given', () => {
    expect(
      parseAuditArguments(['--env', 'dev'], { ...ENV, BRIDGEPORT_ACCOUNT_ID: '000000000000' }),
    ).toMatchObject({
      account: '000000000000',
    });
  });

  it.each([
    [[], '--env <env> is required'],
    [['--env', 'Prod'], '--env "Prod" must match ^[a-z][a-z0-9-]{0,19}$'],
    [['--env', 'prod', '--account', '12'], '--account "12" must be 12 digits'],
    [['--env', 'prod', '--region', 'mars'], '--region "mars" must match'],
    [['--env', 'prod', '--as-of', 'yesterday'], '--as-of "yesterday" must be an ISO-8601 time with a zone'],
    [['--env', 'prod', '--as-of', '2026-12-01T00:00:00'], 'must be an ISO-8601 time with a zone'],
    [['--env', 'prod', '--everything'], "Unknown option '--everything'"],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseRestoreArguments(args, ENV)).toThrow(ArgumentError);
    expect(() => parseRestoreArguments(args, ENV)).toThrow(message);
  });

  it('needs a region when AWS_REGION is not set', () => {
    expect(() => parseAuditArguments(['--env', 'prod'], {})).toThrow(
      '--region <region> is required when AWS_REGION is not set',
    );
  });

  it('audit takes no restore option', () => {
    expect(() => parseAuditArguments(['--env', 'prod', '--force'], ENV)).toThrow("Unknown option '--force'");
  });
});
