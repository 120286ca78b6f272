/* `bridgeport token --user alice --team parcels [--admin]`: a bearer token for the local portal API, alone on stdout. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, issueToken, loadSigningKey, TokenSubjectError } from '../identity/tokens';
import { OPTION_SPECS } from '../options';
import type { CliCommand } from './types';

const USAGE = `Usage: bridgeport token --user <name> --team <team> [--team <team>…] [--admin] [options]

Prints a bearer token for the local portal API, alone on stdout, signed with the key kept in the
data directory (the key "bridgeport start" verifies tokens with). Use it as
  curl -H "authorization: Bearer $(pnpm exec bridgeport token --user alice --team parcels)" …

Options:
  --user <name>             who the token is for (required)
  --team <team>             a team the user belongs to; repeat for several (teams own event types)
  --admin                   a platform admin (may do everything)
  --hours <n>               how long the token is valid (default ${DEFAULT_TOKEN_TTL_SECONDS / 3600})
  --data-dir <path>         the runtime's data directory (default ${OPTION_SPECS.dataDir.default}); env ${OPTION_SPECS.dataDir.env}
  --help                    show this help`;

export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'print a bearer token for the local portal API (--user, --team, --admin)',
  run: runToken,
};

async function runToken(rest: readonly string[]): Promise<number> {
  let values: {
    user?: string;
    team?: string[];
    admin?: boolean;
    hours?: string;
    'data-dir'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        user: { type: 'string' },
        team: { type: 'string', multiple: true },
        admin: { type: 'boolean' },
        hours: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.user === undefined) return fail('--user is required');
  const hours = Number(values.hours ?? DEFAULT_TOKEN_TTL_SECONDS / 3600);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
    return fail(`--hours must be a number above 0 and at most 720, got "${values.hours}"`);
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(
    base,
    values['data-dir'] ?? process.env[OPTION_SPECS.dataDir.env] ?? OPTION_SPECS.dataDir.default,
  );
  try {
    const key = await loadSigningKey(dataDir);
    const token = await issueToken(
      key,
      { user: values.user, teams: values.team ?? [], admin: values.admin === true },
      Math.round(hours * 3600),
    );
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TokenSubjectError) return fail(error.message);
    throw error;
  }
}

function fail(message: string): number {
  console.error(`bridgeport token: ${message}\nRun "bridgeport token --help" for the options.`);
  return 2;
}
