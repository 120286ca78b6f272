/**
 * Event version records: written pending under the fence of the request that owns its type's pending work,
 * completed by that owner only, their producer's deployment status, and the records operations rebuild from
 * backups.
 */
import {
  type DeploymentStatus,
  EventsTableKey,
  eventTypePartition,
  VERSION_SORT_PREFIX,
  versionKey,
} from '@bridgeport/core';
import { decodeVersion, decodeVersionSummary, versionItem } from './items';
import { type EventVersionRecord, type EventVersionSummary, RecordState } from './records';
import { type Conditional, ONLY_IF_ABSENT, type TableOperations } from './table-operations';

const K = EventsTableKey;

export class VersionRepository {
  constructor(private readonly table: TableOperations) {}

  /**
   * Writes a version in state `CREATING` (status `PENDING`), replacing an earlier attempt at the same version
   * that never completed and was written under an older (or the same) fence. Fails (`ok: false`) if that
   * version is already complete or was written by a newer owner.
   */
  async putPending(
    input: Omit<
      EventVersionRecord,
      'state' | 'status' | 'status_updated_at' | 'status_reason' | 'created_at'
    >,
  ): Promise<Conditional<EventVersionRecord>> {
    const now = this.table.timestamp();
    const record: EventVersionRecord = {
      ...input,
      state: RecordState.CREATING,
      status: 'PENDING',
      status_updated_at: now,
      created_at: now,
    };
    const put = await this.table.put(
      versionItem(record),
      {
        ConditionExpression:
          'attribute_not_exists(#pk) OR (#state = :creating AND (attribute_not_exists(#fence) OR #fence <= :fence))',
        ExpressionAttributeNames: { '#pk': K.PARTITION, '#state': 'state', '#fence': 'fence' },
        ExpressionAttributeValues: { ':creating': RecordState.CREATING, ':fence': record.fence ?? 0 },
      },
      'Saving the event version record',
    );
    return put.ok ? { ok: true, value: record } : put;
  }

  async get(eventType: string, version: number): Promise<EventVersionRecord | undefined> {
    const item = await this.table.get(versionKey(eventType, version), 'Reading the event version');
    return item === undefined ? undefined : decodeVersion(item);
  }

  /** Every version of a type (any state), oldest first, without their schemas. */
  async list(eventType: string): Promise<EventVersionSummary[]> {
    const items = await this.table.queryAll(
      {
        TableName: this.table.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        // With the key, so that a malformed item is named.
        ProjectionExpression: '#pk, #sk, #version, #state, #status, #reason, #created',
        ExpressionAttributeNames: {
          '#pk': K.PARTITION,
          '#sk': K.SORT,
          '#version': 'version',
          '#state': 'state',
          '#status': 'status',
          '#reason': 'status_reason',
          '#created': 'created_at',
        },
        ExpressionAttributeValues: { ':pk': eventTypePartition(eventType), ':prefix': VERSION_SORT_PREFIX },
        ConsistentRead: true,
      },
      'Reading the event versions',
    );
    return items.map(decodeVersionSummary);
  }

  /**
   * Marks a version's side effects complete and records the schema registry version holding it. Fails
   * (`ok: false`) unless the version record was written by `owner`.
   */
  async complete(input: {
    readonly eventType: string;
    readonly version: number;
    readonly owner: string;
    readonly registryVersion: string;
  }): Promise<Conditional<void>> {
    const written = await this.table.update(
      {
        Key: versionKey(input.eventType, input.version),
        UpdateExpression: 'SET #state = :ready, #registry = :registry',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#state': 'state', '#registry': 'registry_version', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':ready': RecordState.READY,
          ':registry': input.registryVersion,
          ':owner': input.owner,
        },
      },
      'Activating the event version record',
    );
    return written.ok ? { ok: true, value: undefined } : written;
  }

  /**
   * Records the deployment status of a version's producer (used by the deployment side). With `eventAt` (the
   * time of the deployment event the status comes from, ISO-8601), the status is written only if no status of a
   * later event was recorded. Returns false when nothing is written: the version does not exist (for example,
   * already deleted) or its status is newer.
   */
  async setProducerStatus(
    eventType: string,
    version: number,
    status: DeploymentStatus,
    reason?: string,
    eventAt?: string,
  ): Promise<boolean> {
    return this.table.recordStatus(
      { key: versionKey(eventType, version), status, reason, eventAt },
      'Recording the producer status',
    );
  }

  /** Writes a version record rebuilt from its backup; only when none exists, unless `replace`. */
  async putRestored(record: EventVersionRecord, replace = false): Promise<Conditional<void>> {
    return this.table.put(
      versionItem(record),
      replace ? undefined : ONLY_IF_ABSENT,
      'Restoring the event version record',
    );
  }

  /** Records which schema registry version holds a version's envelope (after the registry was rebuilt). */
  async setRegistryVersion(eventType: string, version: number, registryVersion: string): Promise<boolean> {
    const result = await this.table.update(
      {
        Key: versionKey(eventType, version),
        UpdateExpression: 'SET #registry = :registry',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#registry': 'registry_version', '#pk': K.PARTITION },
        ExpressionAttributeValues: { ':registry': registryVersion },
      },
      'Restoring the event version record',
    );
    return result.ok;
  }
}
