import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueToken } from '../../src/identity/tokens';
import { type Bridgeport, startBridgeport } from '../../src/runtime/bridgeport';
import { authHeaders, call, testOptions } from './support';

const PACKAGE_DIR = path.resolve(__dirname, '../..');

/** `bridgeport token …` through tsx, as `pnpm exec bridgeport token` runs it. */
function bridgeportToken(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'token', ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the local portal API asks for a bearer token', () => {
  let dataDir: string;
  let runtime: Bridgeport;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-identity-'));
    runtime = await startBridgeport({ ...testOptions(dataDir), log: () => undefined });
  });

  afterAll(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without a token or with one that does not verify, before any handler runs', async () => {
    const url = `${runtime.portalUrl}/events`;
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
    expect((await call('GET', `${runtime.portalUrl}/health`, undefined, { anonymous: true })).status).toBe(
      200,
    );
    expect(
      (await call('GET', url, undefined, { headers: await authHeaders({ team: 'parcels' }) })).status,
    ).toBe(200);
  });

  it('accepts what `bridgeport token` prints, alone on stdout, for the data directory given', async () => {
    const result = await bridgeportToken(['--user', 'alice', '--team', 'parcels', '--data-dir', dataDir]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const listed = await call('GET', `${runtime.portalUrl}/events`, undefined, {
      headers: { authorization: `Bearer ${result.stdout.trim()}` },
    });
    expect(listed.status).toBe(200);
  });

  it('explains a token request it cannot serve and exits with 2', async () => {
    const noUser = await bridgeportToken(['--team', 'parcels', '--data-dir', dataDir]);
    const noTeam = await bridgeportToken(['--user', 'alice', '--data-dir', dataDir]);

    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain('--user is required');
    expect(noUser.stdout).toBe('');
    expect(noTeam.code).toBe(2);
    expect(noTeam.stderr).toContain('a token needs at least one --team, or --admin');
  });
});
