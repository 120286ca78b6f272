import { issueToken } from '../../src/identity/tokens';
import { authHeaders, call, runBridgeport, startSuiteRuntime, type TestRuntime } from './support';

/** `bridgeport token …` as a process, as `pnpm exec bridgeport token` runs it. */
const bridgeportToken = (args: readonly string[]) => runBridgeport(['token', ...args]);

describe('the local portal API asks for a bearer token', () => {
  let suite: TestRuntime;

  beforeAll(async () => {
    suite = await startSuiteRuntime('identity');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('answers 401 without a token or with one that does not verify, before any handler runs', async () => {
    const url = suite.portal('/events');
    // A well-formed admin token signed with a key that is not this data directory's.
    const foreign = await issueToken(new Uint8Array(32).fill(9), { user: 'mallory', teams: [], admin: true });

    const answers = [
      await call('GET', url, undefined, { anonymous: true }),
      await call('GET', url, undefined, { headers: { authorization: 'Bearer nonsense' } }),
      await call('GET', url, undefined, { headers: { authorization: `Basic ${foreign}` } }),
      await call('POST', url, { application: 'x' }, { headers: { authorization: `Bearer ${foreign}` } }),
    ];

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    expect(answers[0]?.body).toEqual({ message: 'Unauthorized' });
    expect((await call('GET', suite.portal('/health'), undefined, { anonymous: true })).status).toBe(200);
    expect(
      (await call('GET', url, undefined, { headers: await authHeaders({ team: 'parcels' }) })).status,
    ).toBe(200);
  });

  it('accepts what `bridgeport token` prints, alone on stdout, for the data directory given', async () => {
    const result = await bridgeportToken([
      '--user',
      'alice',
      '--team',
      'parcels',
      '--data-dir',
      suite.dataDir,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const listed = await call('GET', suite.portal('/events'), undefined, {
      headers: { authorization: `Bearer ${result.stdout.trim()}` },
    });
    expect(listed.status).toBe(200);
  });

  it('explains a token request it cannot serve and exits with 2', async () => {
    const noUser = await bridgeportToken(['--team', 'parcels', '--data-dir', suite.dataDir]);
    const noTeam = await bridgeportToken(['--user', 'alice', '--data-dir', suite.dataDir]);

    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain('--user is required');
    expect(noUser.stdout).toBe('');
    expect(noTeam.code).toBe(2);
    expect(noTeam.stderr).toContain('a token needs at least one --team, or --admin');
  });
});
