/* `bridgeport start [options]`: the whole system on this machine until SIGINT or SIGTERM. */
import path from 'node:path';
import { OptionError, optionsHelp, parseRuntimeOptions, type RuntimeOptions } from '../options';
import { readyBanner } from '../runtime/banner';
import { type Bridgeport, startBridgeport } from '../runtime/bridgeport';
import { RuntimeError } from '../runtime/errors';
import type { CliCommand } from './types';

const USAGE = `Usage: bridgeport start [options]

Runs the whole of Bridgeport on this machine: the portal API, the producer endpoint, the local
EventBridge bus and deployer, and an AWS-compatible endpoint (DynamoDB, S3, EventBridge, SQS, Schemas, CloudWatch).
Every option can also be set with its environment variable.

Options:
${optionsHelp()}
  --help                    show this help`;

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the whole system locally (portal, producer endpoint, bus, AWS-compatible endpoint)',
  run: runStart,
};

async function runStart(rest: readonly string[]): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let bridgeport: Bridgeport;
  try {
    bridgeport = await startBridgeport(relativeToInvocation(parseRuntimeOptions(rest)));
  } catch (error) {
    if (error instanceof OptionError) {
      console.error(`bridgeport: ${error.message}\nRun "bridgeport start --help" for the options.`);
      return 2;
    }
    if (error instanceof RuntimeError) {
      console.error(`bridgeport: ${error.message}`);
      return 1;
    }
    throw error;
  }
  for (const line of readyBanner(bridgeport)) console.log(line);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.log(`Received ${signal} again; exiting without waiting.`);
        resolve(1);
        return;
      }
      stopping = true;
      console.log(`Received ${signal}; shutting down (state is kept in ${bridgeport.dataDir}).`);
      bridgeport.close().then(
        () => {
          console.log('Bridgeport stopped.');
          resolve(0);
        },
        (error: unknown) => {
          console.error(`bridgeport: shutdown failed: ${String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Relative paths are taken from where the command was typed: `pnpm start` at the repository root runs this
 * file in packages/local, and tells where it was invoked in INIT_CWD.
 */
function relativeToInvocation(options: RuntimeOptions): RuntimeOptions {
  const base = process.env.INIT_CWD ?? process.cwd();
  return {
    ...options,
    dataDir: path.resolve(base, options.dataDir),
    functionsDir: options.functionsDir === undefined ? undefined : path.resolve(base, options.functionsDir),
  };
}
