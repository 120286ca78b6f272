/** What an audit finds: each place where the stores disagree, and the command that makes them agree. */

export const DriftKind = {
  /** A version the table, registry or a manifest has, without a backup. */
  BACKUP_MISSING: 'backup-missing',
  /** A backup that cannot be read (truncated JSON, unknown format, wrong fields) or a version missing in a sequence. */
  BACKUP_INVALID: 'backup-invalid',
  /** A component bucket object that is not a readable manifest of its key. */
  MANIFEST_INVALID: 'manifest-invalid',
  /** A live event type's schema, or some of its versions, missing from the registry. */
  REGISTRY_MISSING: 'registry-missing',
  /** Registry content that differs from the backups (an edited schema, versions after the last backup). */
  REGISTRY_DIFFERENT: 'registry-different',
  /** A registry schema of an event type that has no record and no producer manifest. */
  REGISTRY_EXTRA: 'registry-extra',
  /** A version record that names another registry version than the one holding it. */
  REGISTRY_MAPPING: 'registry-mapping',
  /** A live event type or version without its record in the portal's table. */
  RECORD_MISSING: 'record-missing',
  /** A record whose content differs from its backup or manifest. */
  RECORD_DIFFERENT: 'record-different',
  /** A consumer manifest without a subscription record (or a producer manifest without anything behind it). */
  MANIFEST_WITHOUT_RECORD: 'manifest-without-record',
  /** A subscription record without its consumer manifest. */
  RECORD_WITHOUT_MANIFEST: 'record-without-manifest',
  /** A version of a live event type without its producer manifest. */
  PRODUCER_MANIFEST_MISSING: 'producer-manifest-missing',
} as const;
export type DriftKind = (typeof DriftKind)[keyof typeof DriftKind];

export interface Drift {
  readonly kind: DriftKind;
  /** `order_placed`, `order_placed v2`, `subscription {id}`, or an object key. */
  readonly subject: string;
  readonly detail: string;
  /** The object key concerned, when there is one. */
  readonly key?: string;
  /** The command (or action) that fixes it. */
  readonly fix: string;
}

export interface AuditReport {
  readonly environment: string;
  readonly checked: {
    readonly eventTypes: number;
    readonly versions: number;
    readonly subscriptions: number;
  };
  readonly drifts: readonly Drift[];
  /** 0 only when every store agrees. */
  readonly exitCode: 0 | 1;
}

export function formatAuditReport(report: AuditReport): string {
  const { checked } = report;
  const title = `Audit of environment ${report.environment}: ${checked.eventTypes} event type(s), ${checked.versions} version(s), ${checked.subscriptions} subscription(s)`;
  if (report.drifts.length === 0)
    return `${title}\nNo drift: the backups, the registry, the table and the manifests agree.`;
  const lines = report.drifts.flatMap((drift) => [
    `  ${drift.kind}  ${drift.subject}: ${drift.detail}${drift.key === undefined ? '' : ` [${drift.key}]`}`,
    `      fix: ${drift.fix}`,
  ]);
  return [title, ...lines, `${report.drifts.length} drift(s) found.`].join('\n');
}
