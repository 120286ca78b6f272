/* `bridgeport restore …`: the registry, the portal's table and the manifests, rebuilt from the backups. */
import { runRestore } from '@bridgeport/ops';
import type { CliCommand } from './types';

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'rebuild the schema registry, the portal table and the manifests from the backups',
  run: (args) =>
    runRestore(args, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
    }),
};
