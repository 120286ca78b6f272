import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BROKER_BUNDLING, PREBUILT_HANDLER_FILE } from '../kit/broker-function';
import { FEATURE_FLAGS } from '../kit/feature-flags';
import {
  BUNDLE_BUILD_STEP,
  BUNDLE_DESCRIPTION_FILE,
  BUNDLE_RUNTIME_PACKAGES,
  GENERATOR_COMPONENTS,
  GENERATOR_HANDLERS,
} from './bundle-layout';

/** Neither needed to run nor to synthesize: jsii assemblies and type declarations. */
const SKIPPED_FILES = /(^\.jsii|\.d\.ts$)/;

export interface GeneratorsBundleOptions {
  /** The workspace's root (holding `packages/`). */
  readonly workspaceRoot: string;
  /** Where the bundle is written: a new or empty directory, or an earlier bundle (rebuilt). */
  readonly outdir: string;
  readonly log?: (line: string) => void;
}

export interface GeneratorsBundleDescription {
  readonly handlers: readonly string[];
  /** Every package copied into `node_modules`, with its version. */
  readonly packages: Readonly<Record<string, string>>;
}

/** Builds the generators bundle (see `bundle-layout.ts`) into `outdir`, printing each step as `[n/5]`. */
export async function buildGeneratorsBundle(
  options: GeneratorsBundleOptions,
): Promise<GeneratorsBundleDescription> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { outdir } = options;
  const packages = join(options.workspaceRoot, 'packages');
  const step = (n: number, text: string) => log(`[${n}/5] ${text}`);

  step(1, `preparing ${outdir}`);
  prepareOutdir(outdir);

  step(2, `prebuilding the broker handlers: ${GENERATOR_HANDLERS.join(', ')}`);
  const brokerRoot = join(packages, 'broker');
  const brokerExports = (
    JSON.parse(readFileSync(join(brokerRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, string>;
    }
  ).exports;
  for (const handler of GENERATOR_HANDLERS) {
    const source = brokerExports[`./handlers/${handler}`];
    if (source === undefined) throw new Error(`@bridgeport/broker does not export handlers/${handler}`);
    await build({
      entryPoints: [join(brokerRoot, source)],
      outfile: join(outdir, 'handlers', handler, PREBUILT_HANDLER_FILE),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: BROKER_BUNDLING.target,
      minify: BROKER_BUNDLING.minify,
      sourcemap: BROKER_BUNDLING.sourceMap,
      mainFields: ['module', 'main'],
      external: [...BROKER_BUNDLING.externalModules],
      logLevel: 'error',
    });
  }

  step(3, 'bundling the producer and consumer generator apps and the build step');
  const appOptions = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node22',
    sourcemap: true,
    external: BUNDLE_RUNTIME_PACKAGES.flatMap((name) => [name, `${name}/*`]),
    logLevel: 'error' as const,
  };
  for (const component of GENERATOR_COMPONENTS) {
    const directory = join(outdir, `${component}-generator`);
    await build({
      ...appOptions,
      entryPoints: [join(packages, `${component}-generator`, 'bin', 'app.ts')],
      outfile: join(directory, 'app.js'),
      define: { __BRIDGEPORT_PREBUILT_HANDLERS__: JSON.stringify('../handlers') },
    });
    writeJson(join(directory, 'cdk.json'), { app: 'node app.js', context: FEATURE_FLAGS });
  }
  await build({
    ...appOptions,
    entryPoints: [join(packages, 'infrastructure', 'bin', 'manifest-build.ts')],
    outfile: join(outdir, BUNDLE_BUILD_STEP),
  });

  step(4, `copying ${BUNDLE_RUNTIME_PACKAGES.join(', ')} and their dependencies into node_modules`);
  const copied = copyPackageClosure(
    BUNDLE_RUNTIME_PACKAGES,
    join(packages, 'producer-generator'),
    join(outdir, 'node_modules'),
  );

  step(5, `describing the bundle in ${BUNDLE_DESCRIPTION_FILE}`);
  const description: GeneratorsBundleDescription = { handlers: [...GENERATOR_HANDLERS], packages: copied };
  writeJson(join(outdir, BUNDLE_DESCRIPTION_FILE), description);
  log(`generators bundle ready in ${outdir} (${Object.keys(copied).length} packages)`);
  return description;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** An absent or empty directory is used; an earlier bundle is emptied; anything else is refused. */
function prepareOutdir(outdir: string): void {
  if (existsSync(outdir) && readdirSync(outdir).length > 0) {
    if (!existsSync(join(outdir, BUNDLE_DESCRIPTION_FILE))) {
      throw new Error(`${outdir} is not empty and holds no generators bundle: choose a new directory`);
    }
    for (const entry of readdirSync(outdir)) rmSync(join(outdir, entry), { recursive: true, force: true });
  }
  mkdirSync(outdir, { recursive: true });
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly bundleDependencies?: readonly string[] | boolean;
  readonly bundledDependencies?: readonly string[] | boolean;
}

/** The real directory of package `name` as Node resolves it from `from` (walking up `node_modules`). */
function resolvePackageDirectory(name: string, from: string): string | undefined {
  let directory = from;
  for (;;) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Copies `roots` (resolved from `from`) and every package they need at run time into `target`, flat where one
 * version is needed and nested under its dependent where two are. Bundled dependencies travel inside their
 * package. Returns each copied package with its version (`name@path` keys for nested copies).
 */
export function copyPackageClosure(
  roots: readonly string[],
  from: string,
  target: string,
): Record<string, string> {
  const placed = new Map<string, string>(); // destination → real source directory
  const copied: Record<string, string> = {};
  const queue: { name: string; from: string; into: string }[] = roots.map((name) => ({
    name,
    from,
    into: target,
  }));
  while (queue.length > 0) {
    const { name, from: resolveFrom, into } = queue.shift() as { name: string; from: string; into: string };
    const source = resolvePackageDirectory(name, resolveFrom);
    if (source === undefined) throw new Error(`Cannot find package ${name} from ${resolveFrom}`);
    let destination = join(target, name);
    if (placed.has(destination) && placed.get(destination) !== source)
      destination = join(into, 'node_modules', name);
    if (placed.get(destination) === source) continue;
    if (placed.has(destination)) throw new Error(`Two versions of ${name} are needed under ${into}`);
    placed.set(destination, source);
    cpSync(source, destination, {
      recursive: true,
      dereference: true,
      filter: (path) => !SKIPPED_FILES.test(path.slice(path.lastIndexOf('/') + 1)),
    });
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as PackageJson;
    const key = destination === join(target, name) ? name : `${name}@${destination.slice(target.length + 1)}`;
    copied[key] = manifest.version;
    const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies;
    const inside = new Set(Array.isArray(bundled) ? bundled : []);
    const needed = {
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
      ...manifest.dependencies,
    };
    for (const dependency of Object.keys(needed)) {
      if (inside.has(dependency)) continue;
      const optional = manifest.optionalDependencies?.[dependency] !== undefined;
      if (optional && resolvePackageDirectory(dependency, source) === undefined) continue;
      queue.push({ name: dependency, from: source, into: destination });
    }
  }
  return copied;
}
