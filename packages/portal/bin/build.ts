/**
 * Bundles the portal's Lambda functions with esbuild, one file per function.
 *
 *   tsx bin/build.ts                                   every function into dist/<FunctionName>/
 *   tsx bin/build.ts --function EventsFunction --outdir DIR   one function into DIR (SAM's $(ARTIFACTS_DIR))
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { PortalFunction, portalFunctions } from '../src/routes';

const packageRoot = path.resolve(__dirname, '..');

/** Bundles one function into `outdir`; returns the path of the written handler file. */
export async function buildPortalFunction(fn: PortalFunction, outdir: string): Promise<string> {
  const spec = portalFunctions[fn];
  const outfile = path.join(outdir, spec.outfile);
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [path.join(packageRoot, spec.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

/** Bundles every function, each into `<outdir>/<FunctionName>/`. */
export async function buildAllPortalFunctions(outdir: string): Promise<Record<PortalFunction, string>> {
  const built: Partial<Record<PortalFunction, string>> = {};
  for (const fn of Object.values(PortalFunction)) {
    built[fn] = await buildPortalFunction(fn, path.join(outdir, fn));
  }
  return built as Record<PortalFunction, string>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { function: { type: 'string' }, outdir: { type: 'string' } } });
  if (values.function === undefined) {
    await buildAllPortalFunctions(path.resolve(values.outdir ?? path.join(packageRoot, 'dist')));
    return;
  }
  const fn = Object.values(PortalFunction).find((name) => name === values.function);
  if (fn === undefined) {
    throw new Error(
      `Unknown function ${values.function}; one of ${Object.values(PortalFunction).join(', ')}`,
    );
  }
  if (values.outdir === undefined) throw new Error('--outdir is required with --function');
  await buildPortalFunction(fn, path.resolve(values.outdir));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
