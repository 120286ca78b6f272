import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** `bridgeport start` running as a process of its own, once it has said it is ready. */
export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly portalUrl: string;
  readonly brokerUrl: string;
  readonly awsUrl: string;
  /** What it has written to stdout and stderr so far, in order. */
  readonly output: readonly string[];
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

export interface SpawnRuntimeOptions {
  /** Its data directory (`--data-dir`). */
  readonly dataDir: string;
  /** Further options of `bridgeport start`; its three ports are free ones (`0`). @default none */
  readonly args?: readonly string[];
  /** Options of `node` itself, before the command (e.g. `--cpu-prof`). @default none */
  readonly nodeArgs?: readonly string[];
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

/**
 * Starts `bridgeport start` as its own process, the way `pnpm start` runs it (`bin/bridgeport.mjs`, which builds
 * and runs the bundle), and resolves with its URLs from the banner once it is ready. Rejects with its output if it
 * exits first. For tests and benchmarks that need the runtime in a process of its own (kill -9, CPU profiles).
 */
export function spawnRuntime(options: SpawnRuntimeOptions): Promise<RuntimeProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      path.join(PACKAGE_DIR, 'bin', 'bridgeport.mjs'),
      'start',
      ...['--data-dir', options.dataDir, '--portal-port', '0', '--broker-port', '0', '--aws-port', '0'],
      ...(options.args ?? []),
    ],
    {
      cwd: PACKAGE_DIR,
      env: { ...(options.env ?? process.env), NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => output.push(text));
    child.stdout?.on('data', (text: string) => {
      buffered += text;
      output.push(text);
      if (!buffered.includes('Bridgeport is ready')) return;
      const url = (label: string) => new RegExp(`${label}\\s+(http://\\S+)`).exec(buffered)?.[1];
      const portalUrl = url('Portal API');
      const brokerUrl = url('Producer endpoint');
      const awsUrl = url('AWS endpoint');
      if (portalUrl && brokerUrl && awsUrl) resolve({ child, portalUrl, brokerUrl, awsUrl, output, exited });
    });
    void exited.then((code) => reject(new Error(`bridgeport exited with ${code}:\n${output.join('')}`)));
  });
}
