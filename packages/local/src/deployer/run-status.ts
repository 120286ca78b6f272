/**
 * How a deployer run records its outcome where the portal reads it (DEPLOYING, then ACTIVE or FAILED with the
 * reason), and how failures are worded.
 */
import { DeploymentStatus, type ManifestKey, type ValidationProblem } from '@bridgeport/core';

/** Where the deployer records deployment statuses: the portal's `EventStore` (the portal reads them there). */
export interface DeploymentStatusStore {
  setProducerStatus(
    eventType: string,
    version: number,
    status: DeploymentStatus,
    reason?: string,
  ): Promise<boolean>;
  setSubscriptionStatus(subscriptionId: string, status: DeploymentStatus, reason?: string): Promise<boolean>;
  /**
   * The version's record, for its recorded status: with it (and `stateFile`), a restart leaves the status of a
   * producer that is ACTIVE with unchanged content alone instead of recording DEPLOYING and ACTIVE again.
   */
  getVersion?(eventType: string, version: number): Promise<{ readonly status: string } | undefined>;
  /** The subscription's record, for its recorded status (see `getVersion`). */
  getSubscription?(subscriptionId: string): Promise<{ readonly status: string } | undefined>;
}

export interface StatusRecorder {
  /** The last status set by this run. */
  outcome: DeploymentStatus | undefined;
  deploying(): Promise<void>;
  active(): Promise<void>;
  failed(reason: string): Promise<void>;
}

/**
 * How a run records statuses: DEPLOYING, then ACTIVE or FAILED. A quiet recorder (a restart, the manifest ACTIVE
 * with the same content) records nothing unless the manifest fails.
 */
export function statusRecorder(
  statuses: DeploymentStatusStore,
  key: ManifestKey,
  signal: AbortSignal,
  quiet: boolean,
): StatusRecorder {
  const set = async (status: DeploymentStatus, reason?: string): Promise<void> => {
    signal.throwIfAborted();
    recorder.outcome = status;
    if (quiet && status !== DeploymentStatus.FAILED) return;
    if (key.kind === 'producer') await statuses.setProducerStatus(key.eventType, key.version, status, reason);
    else await statuses.setSubscriptionStatus(key.subscriptionId, status, reason);
  };
  const recorder: StatusRecorder = {
    outcome: undefined,
    deploying: () => set(DeploymentStatus.DEPLOYING),
    active: () => set(DeploymentStatus.ACTIVE),
    failed: (reason) => set(DeploymentStatus.FAILED, reason),
  };
  return recorder;
}

/** Logs why the manifest failed and records FAILED with the reason. */
export async function fail(
  log: (message: string) => void,
  kind: string,
  objectKey: string,
  reason: string,
  record: StatusRecorder,
): Promise<void> {
  log(`deployer: ${kind} ${objectKey} FAILED: ${reason}`);
  await record.failed(reason);
}

export function summarize(problems: readonly ValidationProblem[]): string {
  return problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
