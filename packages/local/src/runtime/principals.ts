import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PRINCIPAL_PATTERN } from '@bridgeport/core';
import { RuntimeError } from './errors';

/** The file in the data directory naming who each SigV4 access key id is (for SQS queue policies). */
export const PRINCIPALS_FILE = 'principals.json';

/** `principals.json` is not an object of access key ids to IAM principal ARNs. */
export class InvalidPrincipalsFileError extends RuntimeError {
  override readonly name = 'InvalidPrincipalsFileError';
}

/**
 * Reads `{dataDir}/principals.json`: `{ "<access key id>": "arn:aws:iam::111122223333:role/producer", … }`.
 * A request signed with one of these access keys is that principal when the local SQS checks a queue's policy;
 * any other key is the local account's root. No file: no mapped principals.
 */
export async function loadPrincipals(dataDir: string): Promise<Record<string, string>> {
  const file = path.join(dataDir, PRINCIPALS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidPrincipalsFileError(
      `${file} is not JSON: write { "<access key id>": "<IAM principal ARN>" }`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidPrincipalsFileError(`${file} must be an object of access key ids to IAM principal ARNs`);
  }
  const principals: Record<string, string> = {};
  for (const [accessKeyId, principal] of Object.entries(parsed)) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(accessKeyId)) {
      throw new InvalidPrincipalsFileError(`${file}: ${JSON.stringify(accessKeyId)} is not an access key id`);
    }
    if (
      typeof principal !== 'string' ||
      !principal.startsWith('arn:') ||
      !PRINCIPAL_PATTERN.test(principal)
    ) {
      throw new InvalidPrincipalsFileError(
        `${file}: the principal of ${accessKeyId} must be an IAM root, role or user ARN, got ${JSON.stringify(principal)}`,
      );
    }
    principals[accessKeyId] = principal;
  }
  return principals;
}
