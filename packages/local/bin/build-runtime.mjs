// Bundles `bridgeport start` for running: esbuild turns the TypeScript sources of this package and the workspace
// packages it uses into one CommonJS file (third-party packages stay in node_modules), with a source map so that
// stack traces name the TypeScript lines. A long-running runtime pays tsx's on-the-fly form — a getter on every
// cross-module reference, a name helper on every function created — on each event; the bundle does not, and
// building it takes well under a second. Written under a name of its own, then renamed over the last build, so
// that two starts at the same moment never read a half-written file.
import { readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Third-party imports stay outside the bundle, loaded from where the importing workspace package would find them. */
const externalPackages = {
  name: 'external-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@bridgeport/')) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      try {
        return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

/** `__dirname` in a bundled source file keeps meaning that file's own folder (the web portal finds its app so). */
const sourceDirname = {
  name: 'source-dirname',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('__dirname')) return undefined;
      return {
        contents: text.replaceAll(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

/** Builds `dist/bridgeport.cjs` from `src/cli.ts`; resolves with its path. */
export async function buildRuntime() {
  const outfile = path.join(packageDir, 'dist', 'bridgeport.cjs');
  const temporary = path.join(packageDir, 'dist', `bridgeport.${process.pid}.${Date.now()}.tmp.cjs`);
  try {
    await build({
      entryPoints: [path.join(packageDir, 'src', 'cli.ts')],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      sourcemap: 'inline',
      logLevel: 'error',
      plugins: [externalPackages, sourceDirname],
    });
    await rename(temporary, outfile);
  } finally {
    await rm(temporary, { force: true });
  }
  return outfile;
}
