import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import {
  issueToken,
  LOCAL_TOKEN_ISSUER,
  loadSigningKey,
  SIGNING_KEY_FILE,
  TokenSubjectError,
  verifyBearer,
} from '../../src/identity/tokens';

describe('local bearer tokens', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-tokens-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps one signing key per data directory, readable by its owner only', async () => {
    const [first, second] = await Promise.all([loadSigningKey(dataDir), loadSigningKey(dataDir)]);
    expect(Buffer.from(first as Uint8Array).equals(Buffer.from(second as Uint8Array))).toBe(true);
    expect((first as Uint8Array).length).toBe(32);
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url').length).toBe(32);
  });

  it('hands over the claims the way API Gateway hands over a user pool’s: strings, groups comma-separated', async () => {
    const key = await loadSigningKey(dataDir);
    const token = await issueToken(key, { user: 'alice', teams: ['parcels', 'billing'], admin: true });

    const verified = await verifyBearer(key, `Bearer ${token}`);

    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(verified.claims).toMatchObject({
      sub: 'alice',
      'cognito:username': 'alice',
      'cognito:groups': 'parcels,billing,platform-admins',
      iss: LOCAL_TOKEN_ISSUER,
      token_use: 'id',
    });
    expect(Object.values(verified.claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('refuses a missing header, another scheme, garbage, another key, another issuer and an expired token', async () => {
    const key = await loadSigningKey(dataDir);
    const otherKey = new Uint8Array(32).fill(7);
    const good = await issueToken(key, { user: 'alice', teams: ['parcels'] });
    const foreign = await issueToken(otherKey, { user: 'alice', teams: ['parcels'] });
    const otherIssuer = await new SignJWT({ 'cognito:groups': ['parcels'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('someone-else')
      .setExpirationTime('1h')
      .sign(key);
    const expired = await new SignJWT({ 'cognito:groups': ['parcels'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer(LOCAL_TOKEN_ISSUER)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'alice', iss: LOCAL_TOKEN_ISSUER, exp: 9_999_999_999 }),
    ).toString('base64url')}.`;

    for (const header of [
      undefined,
      '',
      `Basic ${good}`,
      'Bearer not-a-token',
      `Bearer ${foreign}`,
      `Bearer ${otherIssuer}`,
      `Bearer ${expired}`,
      `Bearer ${unsigned}`,
    ]) {
      expect({ header, ok: (await verifyBearer(key, header)).ok }).toEqual({ header, ok: false });
    }
    expect((await verifyBearer(key, `Bearer ${good}`)).ok).toBe(true);
  });

  it('refuses to issue a token with no team unless for an admin, or with malformed names', async () => {
    const key = await loadSigningKey(dataDir);
    await expect(issueToken(key, { user: 'alice', teams: [] })).rejects.toThrow(TokenSubjectError);
    await expect(issueToken(key, { user: 'alice', teams: ['bad team'] })).rejects.toThrow(/the team/);
    await expect(issueToken(key, { user: 'alice', teams: ['platform-admins'] })).rejects.toThrow(/--admin/);
    await expect(issueToken(key, { user: '', teams: ['parcels'] })).rejects.toThrow(/the user/);
    await expect(issueToken(key, { user: 'root', teams: [], admin: true })).resolves.toMatch(/^ey/);
  });
});
