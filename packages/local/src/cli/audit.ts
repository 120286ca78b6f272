/* `bridgeport audit …`: where the backups, the registry, the portal table and the manifests disagree. */
import { runAudit } from '@bridgeport/ops';
import type { CliCommand } from './types';

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'list where the backups, the registry, the portal table and the manifests disagree',
  run: (args) =>
    runAudit(args, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
    }),
};
