import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localScope } from '@bridgeport/core';
import { type AwsEndpoint, startAwsEndpoint } from '../../src/aws/endpoint';
import { applyEnvironment, localEnvironment } from '../../src/runtime/environment';

/** The local AWS endpoint on a data directory of its own, with the SDK's endpoint variables pointing at it. */
export interface LocalAws {
  readonly dataDir: string;
  readonly edge: AwsEndpoint;
  /** Puts the environment back, closes the endpoint and removes its data directory. */
  close(): Promise<void>;
}

/** Starts the local AWS endpoint for `environment` in a new temporary directory named from `prefix`. */
export async function startLocalAws(prefix: string, environment: string): Promise<LocalAws> {
  const dataDir = await mkdtemp(path.join(tmpdir(), prefix));
  const edge = await startAwsEndpoint({ port: 0, dataDir });
  const restore = applyEnvironment(
    localEnvironment({ endpointUrl: edge.url, environment, scope: localScope(), maxEventSizeBytes: 262_144 }),
  );
  return {
    dataDir,
    edge,
    async close() {
      restore();
      await edge.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
