import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The broker's Lambda handlers the shared stacks deploy, as files to bundle with esbuild. */
export const BrokerHandler = {
  INJECTOR: 'injector',
  DEPLOYMENT_TRIGGER: 'deployment-trigger',
  DEPLOYMENT_STATUS: 'deployment-status',
} as const;
export type BrokerHandler = (typeof BrokerHandler)[keyof typeof BrokerHandler];

/** Every broker handler is a subpath export of `@bridgeport/broker` (`@bridgeport/broker/handlers/<name>`). */
export function brokerHandlerEntry(handler: BrokerHandler): string {
  return require.resolve(`@bridgeport/broker/handlers/${handler}`);
}

/** The workspace's lock file above `from` (esbuild bundles from the workspace root). */
export function findWorkspaceLockFile(from: string): string {
  let directory = dirname(from);
  for (;;) {
    const candidate = join(directory, 'pnpm-lock.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`No pnpm-lock.yaml above ${from}`);
    directory = parent;
  }
}
