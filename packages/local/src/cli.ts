/* The `bridgeport` command: one verb per module under ./cli, dispatched from one table. */
import { auditCommand } from './cli/audit';
import { reconcileCommand } from './cli/reconcile';
import { restoreCommand } from './cli/restore';
import { samEnvCommand } from './cli/sam-env';
import { startCommand } from './cli/start';
import { tokenCommand } from './cli/token';
import type { CliCommand } from './cli/types';

/** Every verb of `bridgeport`; a new verb is one module and one line here. */
const COMMANDS: readonly CliCommand[] = [
  startCommand,
  tokenCommand,
  reconcileCommand,
  samEnvCommand,
  restoreCommand,
  auditCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: bridgeport <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "bridgeport <command> --help" for the options of a command.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...given] = argv;
  // `pnpm start -- --demo` hands the separator through.
  const rest = given[0] === '--' ? given.slice(1) : given;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 1;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bridgeport: failed:', error);
    process.exit(1);
  },
);
