import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts dynalite on a loopback port, its LevelDB under `directory`. A new table answers CreateTable as CREATING
 * and turns ACTIVE shortly after (after `createTableMs`, then a LevelDB write); until then dynalite answers
 * ResourceNotFoundException for it, as AWS does. Callers talking to dynalite directly wait for ACTIVE
 * (`waitUntilTableExists`); the AWS endpoint does it for its clients.
 */
export async function startLocalDynamoDb(
  directory: string,
  options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number } = {},
): Promise<LocalDynamoDb> {
  await mkdir(directory, { recursive: true });
  const server = dynalite({
    path: directory,
    createTableMs: options.createTableMs ?? 0,
    deleteTableMs: options.deleteTableMs ?? 0,
    updateTableMs: options.updateTableMs ?? 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
