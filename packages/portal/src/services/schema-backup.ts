/**
 * The schema backup of a version: what the portal writes to the schema backup bucket when a version is created
 * (and keeps when its type is deleted), and what operations rebuild the table and the registry from.
 */
import { detailType, type JsonSchema, type ProducerType, type SchemaComparison } from '@bridgeport/core';
import type { EventVersionRecord } from '../store/records';

/** The backup format this version of Bridgeport reads and writes. */
export const BACKUP_FORMAT = 1;

/** One version's backup. */
export interface SchemaBackup {
  readonly format: typeof BACKUP_FORMAT;
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  readonly detail_type: string;
  readonly created_at: string;
  /** The envelope schema. */
  readonly schema: JsonSchema;
  /** The JSON Schema of `data`. */
  readonly data: JsonSchema;
  readonly compatibility?: SchemaComparison;
}

/** The backup of a version record, its fields in the order they are written. */
export function schemaBackupOf(record: EventVersionRecord): SchemaBackup {
  return {
    format: BACKUP_FORMAT,
    event_type: record.event_type,
    version: record.version,
    application: record.application,
    description: record.description,
    connection_type: record.connection_type,
    detail_type: detailType(record.event_type, record.version),
    created_at: record.created_at,
    schema: record.envelope_schema,
    data: record.data_schema,
    ...(record.compatibility === undefined ? {} : { compatibility: record.compatibility }),
  };
}
