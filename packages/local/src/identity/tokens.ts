/*
 * The local stand-in for API Gateway's Cognito user-pool authorizer: bearer JWTs (HS256) signed with a key kept
 * in the data directory, verified on every portal request, their claims handed to the handlers where API Gateway
 * puts a user pool's (`requestContext.authorizer.claims`, every value a string, `cognito:groups` comma-separated).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_GROUP } from '@bridgeport/portal';
import { errors, jwtVerify, SignJWT } from 'jose';

/** Where a data directory keeps the token signing key (readable by its owner only). */
export const SIGNING_KEY_FILE = 'token-signing-key';
/** The issuer of local tokens; a token from anywhere else is refused. */
export const LOCAL_TOKEN_ISSUER = 'bridgeport-local';
/** How long a token is valid unless told otherwise. */
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

const ALGORITHM = 'HS256';
const KEY_BYTES = 32;
const TEAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Who a token speaks for. */
export interface TokenSubject {
  readonly user: string;
  readonly teams: readonly string[];
  readonly admin?: boolean;
}

/** A token's claims as API Gateway hands them to a Lambda: names to strings. */
export type AuthorizerClaims = Record<string, string>;

export class TokenSubjectError extends Error {
  override readonly name = 'TokenSubjectError';
}

/** The signing key of a data directory, created (32 random bytes, mode 0600) on first use. */
export async function loadSigningKey(dataDir: string): Promise<Uint8Array> {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  try {
    return decodeKey(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  // Written whole under a private name, then linked into place: a reader never sees half a key, and when two
  // processes race, the first link wins and both use its key.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${randomBytes(KEY_BYTES).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
  return decodeKey(await readFile(file, 'utf8'), file);
}

function decodeKey(text: string, file: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < KEY_BYTES) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte signing key`);
  return new Uint8Array(key);
}

/** Checks a subject: a user name, team names (`--team`), at least one team unless an admin. */
export function checkSubject(subject: TokenSubject): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/.test(subject.user)) {
    throw new TokenSubjectError(`the user "${subject.user}" must be 1-128 letters, digits or ._@+-`);
  }
  for (const team of subject.teams) {
    if (!TEAM_PATTERN.test(team)) {
      throw new TokenSubjectError(`the team "${team}" must be 1-64 letters, digits or ._-`);
    }
    if (team === ADMIN_GROUP) throw new TokenSubjectError(`use --admin rather than --team ${ADMIN_GROUP}`);
  }
  if (subject.teams.length === 0 && subject.admin !== true) {
    throw new TokenSubjectError('a token needs at least one --team, or --admin');
  }
}

/** Signs a token for `subject`, valid for `ttlSeconds`. */
export async function issueToken(
  key: Uint8Array,
  subject: TokenSubject,
  ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
): Promise<string> {
  checkSubject(subject);
  const groups = [...new Set(subject.teams)];
  if (subject.admin === true) groups.push(ADMIN_GROUP);
  return new SignJWT({
    'cognito:username': subject.user,
    'cognito:groups': groups,
    token_use: 'id',
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(subject.user)
    .setIssuer(LOCAL_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key);
}

/** Why a request was refused: the same short answer API Gateway gives (`{"message":"Unauthorized"}`). */
export type VerifiedClaims =
  | { readonly ok: true; readonly claims: AuthorizerClaims }
  | { readonly ok: false };

/**
 * Verifies the `Authorization: Bearer <token>` header value (signature, issuer, expiry) and returns the claims
 * flattened as API Gateway flattens a user pool's: arrays joined with commas, numbers as text.
 */
export async function verifyBearer(
  key: Uint8Array,
  authorization: string | undefined,
): Promise<VerifiedClaims> {
  const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return { ok: false };
  try {
    const { payload } = await jwtVerify(match[1], key, {
      algorithms: [ALGORITHM],
      issuer: LOCAL_TOKEN_ISSUER,
      requiredClaims: ['sub', 'exp'],
    });
    const claims: AuthorizerClaims = {};
    for (const [name, value] of Object.entries(payload)) {
      if (Array.isArray(value)) claims[name] = value.map(String).join(',');
      else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        claims[name] = String(value);
      }
    }
    return { ok: true, claims };
  } catch (error) {
    if (error instanceof errors.JOSEError) return { ok: false };
    throw error;
  }
}
