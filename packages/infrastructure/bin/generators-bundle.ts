/**
 * Builds the self-contained generators bundle the deployment pipeline runs from:
 *   tsx packages/infrastructure/bin/generators-bundle.ts <outdir>
 * (see src/build/generators-bundle.ts for what it holds).
 */
import { join, resolve } from 'node:path';
import { buildGeneratorsBundle } from '../src/build/generators-bundle';

const outdir = process.argv[2];
if (outdir === undefined || outdir === '') {
  console.error('usage: generators-bundle.ts <outdir>');
  process.exitCode = 64;
} else {
  buildGeneratorsBundle({ workspaceRoot: join(__dirname, '..', '..', '..'), outdir: resolve(outdir) }).catch(
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
