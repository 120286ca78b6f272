/**
 * The web portal's files, built with esbuild (the bundler the project already uses for its Lambdas: one tool,
 * a sub-second build, so the local runtime builds the portal when it starts and never serves a stale copy).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

export interface WebAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Files by their path under the site root: `index.html`, `app.js`, `app.css`. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

const appDir = path.join(__dirname, 'app');

export async function buildWebAssets(options: { readonly minify?: boolean } = {}): Promise<WebAssets> {
  const result = await build({
    entryPoints: [path.join(appDir, 'main.tsx')],
    bundle: true,
    write: false,
    outfile: 'app.js',
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('app.js'));
  if (script === undefined) throw new Error('The web portal build produced no app.js');
  return new Map<string, WebAsset>([
    [
      'index.html',
      { contentType: 'text/html; charset=utf-8', body: await readFile(path.join(appDir, 'index.html')) },
    ],
    [
      'app.css',
      { contentType: 'text/css; charset=utf-8', body: await readFile(path.join(appDir, 'styles.css')) },
    ],
    ['app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(script.contents) }],
  ]);
}

/** Writes the built files into `outdir` (for the static site's bucket). */
export async function writeWebAssets(outdir: string): Promise<string[]> {
  await mkdir(outdir, { recursive: true });
  const written: string[] = [];
  for (const [name, asset] of await buildWebAssets()) {
    const file = path.join(outdir, name);
    await writeFile(file, asset.body);
    written.push(file);
  }
  return written;
}
