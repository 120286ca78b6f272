/**
 * The schema backup bucket: one object per event type version (`{event_type}/v{version}.json`), written by the
 * portal when the version is created and kept when the event type is deleted.
 */
import { EVENT_TYPE_PATTERN, isSchemaComparison, ProducerType, schemaBackupKey } from '@bridgeport/core';
import { BACKUP_FORMAT, type SchemaBackup } from '@bridgeport/portal';
import type { BucketReader, StoredObject } from './bucket-reader';

export { BACKUP_FORMAT, type SchemaBackup };

/** A backup that cannot be used, with its key. */
export interface BackupProblem {
  readonly key: string;
  readonly reason: string;
  /** Set for a version missing in a sequence (no object at `key`), rather than an object that cannot be used. */
  readonly missing?: true;
}

/** The backups of one event type: usable only when `problems` is empty (versions 1…n, each readable). */
export interface EventTypeBackups {
  readonly eventType: string;
  /** Readable backups, version order. */
  readonly versions: readonly SchemaBackup[];
  readonly problems: readonly BackupProblem[];
}

export interface BackupCatalog {
  readonly eventTypes: ReadonlyMap<string, EventTypeBackups>;
  /** Objects whose key is not a backup key. */
  readonly strays: readonly BackupProblem[];
}

const BACKUP_KEY = new RegExp(`^(${EVENT_TYPE_PATTERN.source.slice(1, -1)})/v([1-9]\\d{0,14})\\.json$`);

/** `{ eventType, version }` of a backup key, or undefined for any other key. */
export function parseBackupKey(key: string): { eventType: string; version: number } | undefined {
  const match = BACKUP_KEY.exec(key);
  if (match === null) return undefined;
  const version = Number(match[2]);
  return Number.isSafeInteger(version) ? { eventType: match[1] as string, version } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one backup's text; a problem (with the key) when it is not a usable backup of that key. */
export function parseBackup(key: string, text: string): SchemaBackup | BackupProblem {
  const expected = parseBackupKey(key);
  if (expected === undefined) return { key, reason: 'is not a backup key ({event_type}/v{version}.json)' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { key, reason: `is not valid JSON (truncated?): ${(error as Error).message}` };
  }
  if (!isObject(value)) return { key, reason: 'is not a JSON object' };
  if (value.format !== BACKUP_FORMAT) {
    return {
      key,
      reason: `has an unknown format ${JSON.stringify(value.format)} (expected ${BACKUP_FORMAT})`,
    };
  }
  const wrong: string[] = [];
  if (value.event_type !== expected.eventType) wrong.push(`event_type (expected ${expected.eventType})`);
  if (value.version !== expected.version) wrong.push(`version (expected ${expected.version})`);
  for (const field of ['application', 'description', 'detail_type', 'created_at'] as const) {
    if (typeof value[field] !== 'string') wrong.push(`${field} (expected a string)`);
  }
  if (!Object.values<unknown>(ProducerType).includes(value.connection_type)) {
    wrong.push(`connection_type (expected one of ${Object.values(ProducerType).join(', ')})`);
  }
  for (const field of ['schema', 'data'] as const) {
    if (!isObject(value[field])) wrong.push(`${field} (expected a JSON Schema object)`);
  }
  if (value.compatibility !== undefined && !isSchemaComparison(value.compatibility)) {
    wrong.push('compatibility (expected a compatibility report: backward_compatible and a list of changes)');
  }
  if (wrong.length > 0) return { key, reason: `has missing or wrong fields: ${wrong.join(', ')}` };
  return value as unknown as SchemaBackup;
}

function isProblem(value: SchemaBackup | BackupProblem): value is BackupProblem {
  return 'reason' in value;
}

/**
 * Every backup of the bucket, grouped by event type. An event type's versions must run 1…n without a gap:
 * each missing version is a problem named by the key its backup would have.
 */
export async function readBackups(
  reader: BucketReader,
  onProgress?: (done: number, total: number) => void,
): Promise<BackupCatalog> {
  const objects = await reader.list();
  const strays: BackupProblem[] = [];
  const grouped = new Map<string, { versions: SchemaBackup[]; problems: BackupProblem[]; seen: number[] }>();
  let done = 0;
  for (const object of objects) {
    const parsedKey = parseBackupKey(object.key);
    if (parsedKey === undefined) {
      strays.push({ key: object.key, reason: 'is not a backup key ({event_type}/v{version}.json)' });
    } else {
      const group = grouped.get(parsedKey.eventType) ?? { versions: [], problems: [], seen: [] };
      grouped.set(parsedKey.eventType, group);
      group.seen.push(parsedKey.version);
      const parsed = parseBackup(object.key, await readText(reader, object));
      if (isProblem(parsed)) group.problems.push(parsed);
      else group.versions.push(parsed);
    }
    done += 1;
    onProgress?.(done, objects.length);
  }
  const eventTypes = new Map<string, EventTypeBackups>();
  for (const [eventType, group] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const highest = Math.max(...group.seen);
    const seen = new Set(group.seen);
    for (let version = 1; version < highest; version += 1) {
      if (!seen.has(version)) {
        group.problems.push({
          key: schemaBackupKey(eventType, version),
          reason: `is missing: versions 1 to ${highest} are expected, this one has no backup`,
          missing: true,
        });
      }
    }
    eventTypes.set(eventType, {
      eventType,
      versions: group.versions.sort((a, b) => a.version - b.version),
      problems: group.problems.sort((a, b) => a.key.localeCompare(b.key)),
    });
  }
  return { eventTypes, strays };
}

async function readText(reader: BucketReader, object: StoredObject): Promise<string> {
  return reader.read(object);
}

/** The backup the portal writes for a version record (the same fields, the same layout). */
export function serializeBackup(backup: SchemaBackup): string {
  return `${JSON.stringify(backup, null, 2)}\n`;
}
