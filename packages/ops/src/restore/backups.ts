/** `restore --backups`: a backup that is missing or unusable is written again from the portal's version record. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { schemaBackupKey } from '@bridgeport/core';
import type { EventStore, EventTypeRecord, EventVersionRecord } from '@bridgeport/portal';
import { RecordState, schemaBackupOf } from '@bridgeport/portal';
import { Outcome, Store } from '../report';
import {
  type BackupCatalog,
  type EventTypeBackups,
  type SchemaBackup,
  serializeBackup,
} from '../sources/backups';
import { attempt, type RestoreContext } from './context';

/** Every event type record of the table (any state), in name order. */
export async function allEventTypes(store: EventStore): Promise<EventTypeRecord[]> {
  const records: EventTypeRecord[] = [];
  let startKey: Record<string, string | number> | undefined;
  do {
    const page = await store.listEventTypes({ limit: 100, startKey });
    records.push(...page.items);
    startKey = page.nextKey;
  } while (startKey !== undefined);
  return records;
}

/** Every complete version record of an event type, oldest first. */
export async function versionRecords(store: EventStore, eventType: string): Promise<EventVersionRecord[]> {
  const records: EventVersionRecord[] = [];
  for (const summary of await store.listVersions(eventType)) {
    if (summary.state === RecordState.CREATING) continue;
    const record = await store.getVersion(eventType, summary.version);
    if (record !== undefined) records.push(record);
  }
  return records;
}

/**
 * Writes the backup of every complete version record whose backup is missing or unusable, and answers the
 * catalog as it is afterwards (in a dry run, as it would be).
 */
export async function restoreBackups(
  context: RestoreContext,
  catalog: BackupCatalog,
): Promise<BackupCatalog> {
  const types = await allEventTypes(context.store);
  const eventTypes = new Map(catalog.eventTypes);
  let done = 0;
  for (const type of types) {
    done += 1;
    context.progress('backups', done, types.length, type.event_type);
    const existing = catalog.eventTypes.get(type.event_type);
    const have = new Set(existing?.versions.map((backup) => backup.version) ?? []);
    const written: SchemaBackup[] = [];
    for (const record of await versionRecords(context.store, type.event_type)) {
      if (have.has(record.version)) continue;
      const key = schemaBackupKey(record.event_type, record.version);
      const subject = { store: Store.BACKUPS, subject: `${record.event_type} v${record.version}`, key };
      await attempt(context, subject, async () => {
        const backup = schemaBackupOf(record);
        if (!context.dryRun) {
          await context.clients.s3.send(
            new PutObjectCommand({
              Bucket: context.resources.backupBucket,
              Key: key,
              Body: serializeBackup(backup),
              ContentType: 'application/json',
            }),
          );
        }
        written.push(backup);
        context.report({ ...subject, outcome: Outcome.CREATED, detail: 'from the version record' });
      });
    }
    if (written.length > 0) eventTypes.set(type.event_type, merged(type.event_type, existing, written));
  }
  return { eventTypes, strays: catalog.strays };
}

function merged(
  eventType: string,
  existing: EventTypeBackups | undefined,
  written: SchemaBackup[],
): EventTypeBackups {
  const versions = [...(existing?.versions ?? []), ...written].sort((a, b) => a.version - b.version);
  const fixed = new Set(written.map((backup) => schemaBackupKey(backup.event_type, backup.version)));
  const problems = (existing?.problems ?? []).filter((problem) => !fixed.has(problem.key));
  const present = new Set(versions.map((backup) => backup.version));
  const highest = Math.max(...present);
  for (let version = 1; version < highest; version += 1) {
    const key = schemaBackupKey(eventType, version);
    if (!present.has(version) && !problems.some((problem) => problem.key === key)) {
      problems.push({
        key,
        reason: `is missing: versions 1 to ${highest} are expected, this one has no backup`,
      });
    }
  }
  return { eventType, versions, problems };
}
