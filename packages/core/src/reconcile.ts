import { DeploymentAction } from './vocabulary';

/**
 * The reconcile rule of the deployment pipeline, written once: a manifest event only says "look at this key";
 * what is deployed follows what the bucket holds for the key now.
 *
 * - the key's current version is an object → deploy that version (its version id goes to the generator);
 * - the current version is a delete marker, or the key has no version left → destroy;
 * - a lifecycle expiration (S3 removing a noncurrent version, or a lone delete marker) changes nothing current
 *   → ignored, without reading the bucket.
 *
 * Events may arrive in any order and more than once: each decision reads the present, so a delete processed after
 * the re-create that followed it still deploys the re-created manifest.
 */

/** One version of a manifest key, as the components bucket lists it. */
export interface ManifestVersion {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  /** S3's `IsLatest`: the key's current version. */
  readonly isLatest: boolean;
}

/** Port to the components buckets: every version of one key (an S3 `ListObjectVersions` adapter). */
export interface ManifestVersionReader {
  /** The key's versions and delete markers (any order; none when the key has no version at all). */
  versionsOf(bucket: string, key: string): Promise<readonly ManifestVersion[]>;
}

/** What triggered a reconcile: the S3 event's `reason` (absent for a scheduled or manual reconcile). */
export interface ManifestChange {
  /** S3's `reason`: `PutObject`, `DeleteObject`, `Lifecycle Expiration`… */
  readonly reason?: string;
}

/** The S3 `reason` of changes made by lifecycle rules. */
export const LIFECYCLE_EXPIRATION_REASON = 'Lifecycle Expiration';

/** Why a manifest's stack is destroyed. */
export const DestroyReason = { DELETE_MARKER: 'delete-marker', NO_VERSIONS: 'no-versions' } as const;
export type DestroyReason = (typeof DestroyReason)[keyof typeof DestroyReason];

/** Why a manifest change is ignored. */
export const IgnoreReason = { LIFECYCLE_EXPIRATION: 'lifecycle-expiration' } as const;
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason];

export type ReconcileDecision =
  | { readonly action: typeof DeploymentAction.DEPLOY; readonly versionId: string }
  | { readonly action: typeof DeploymentAction.DESTROY; readonly reason: DestroyReason }
  | { readonly action: 'ignore'; readonly reason: IgnoreReason };

/** Whether a change is a lifecycle expiration, which never changes what is deployed. */
export function isLifecycleChange(change: ManifestChange | undefined): boolean {
  return change?.reason === LIFECYCLE_EXPIRATION_REASON;
}

/** The decision for a key whose versions are `versions` (pure; see the module comment). */
export function reconcileDecisionOf(versions: readonly ManifestVersion[]): ReconcileDecision {
  const current = versions.find((version) => version.isLatest);
  if (current === undefined) return { action: DeploymentAction.DESTROY, reason: DestroyReason.NO_VERSIONS };
  if (current.deleteMarker) return { action: DeploymentAction.DESTROY, reason: DestroyReason.DELETE_MARKER };
  return { action: DeploymentAction.DEPLOY, versionId: current.versionId };
}

/**
 * Decides what to do with the stack of the manifest at `bucket`/`key` from what the bucket holds now.
 * `change`, when given, is the event that asked; a lifecycle expiration is ignored without reading anything.
 */
export async function reconcileManifest(
  reader: ManifestVersionReader,
  bucket: string,
  key: string,
  change?: ManifestChange,
): Promise<ReconcileDecision> {
  if (isLifecycleChange(change)) return { action: 'ignore', reason: IgnoreReason.LIFECYCLE_EXPIRATION };
  return reconcileDecisionOf(await reader.versionsOf(bucket, key));
}
