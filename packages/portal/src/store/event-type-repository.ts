/**
 * Event type records and the lease/fence protocol on their pending work: one request at a time creates a type
 * or adds a version, holding a lease (`owner`, `lease_until`) and moving the fence on when it takes the work;
 * every transition is a conditional write on the record as it was read. Also the type's set of subscriptions,
 * its removal with its versions, and the records operations rebuild from backups.
 */
import { EventsTableKey, eventTypeKey } from '@bridgeport/core';
import { applicationPartition, decodeEventType, eventTypeItem, LIST_EVENT_TYPES } from './items';
import { type EventTypeRecord, RecordState } from './records';
import {
  type Conditional,
  ONLY_IF_ABSENT,
  type Page,
  type PageRequest,
  type TableOperations,
} from './table-operations';
import { type RecordUpdate, updateExpressionOf } from './update-expression';

const K = EventsTableKey;

/** The lease on pending work is absent or has run out (`:now` and `#lease` to be bound). */
const LEASE_EXPIRED = '(attribute_not_exists(#lease) OR #lease < :now)';

/** The record's fence is still the one `previous` had (`#fence`, and `:fence` when it had one, to be bound). */
function fenceCondition(previous: EventTypeRecord): string {
  return previous.fence === undefined ? 'attribute_not_exists(#fence)' : '#fence = :fence';
}

/** What starts the creation of an event type: its first fields, the request's digest, its owner and lease. */
export type EventTypeCreation = Pick<
  EventTypeRecord,
  | 'event_type'
  | 'application'
  | 'description'
  | 'connection_type'
  | 'allowed_principals'
  | 'rate_limit_per_second'
> & {
  readonly digest: string;
  readonly owner: string;
  readonly leaseUntil: string;
};

export class EventTypeRepository {
  constructor(private readonly table: TableOperations) {}

  async get(eventType: string): Promise<EventTypeRecord | undefined> {
    const item = await this.table.get(eventTypeKey(eventType), 'Reading the event type');
    return item === undefined ? undefined : decodeEventType(item);
  }

  /** Event types in name order, optionally of one application; those still being created are left out. */
  async list(options: PageRequest & { readonly application?: string }): Promise<Page<EventTypeRecord>> {
    const byApplication = options.application !== undefined;
    const page = await this.table.queryPage(
      {
        TableName: this.table.tableName,
        IndexName: byApplication ? K.LOOKUP_INDEX : K.LIST_INDEX,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#state <> :creating',
        ExpressionAttributeNames: {
          '#pk': byApplication ? K.LOOKUP_PARTITION : K.LIST_PARTITION,
          '#state': 'state',
        },
        ExpressionAttributeValues: {
          ':pk': byApplication ? applicationPartition(options.application ?? '') : LIST_EVENT_TYPES,
          ':creating': RecordState.CREATING,
        },
      },
      options,
      'Listing event types',
    );
    return { ...page, items: page.items.map(decodeEventType) };
  }

  /**
   * Starts creating an event type with version 1: writes the type in state `CREATING` owned by `owner` until
   * `leaseUntil`. `previous` is the record as read before (undefined when there was none): an earlier creation
   * that never completed is replaced only if the record is still exactly that one (same fence) and its lease
   * has run out. Fails (`ok: false`) otherwise.
   */
  async beginCreation(
    input: EventTypeCreation,
    previous: EventTypeRecord | undefined,
  ): Promise<Conditional<EventTypeRecord>> {
    const now = this.table.timestamp();
    const record: EventTypeRecord = {
      event_type: input.event_type,
      application: input.application,
      description: input.description,
      connection_type: input.connection_type,
      ...(input.allowed_principals === undefined ? {} : { allowed_principals: input.allowed_principals }),
      ...(input.rate_limit_per_second === undefined
        ? {}
        : { rate_limit_per_second: input.rate_limit_per_second }),
      latest_version: 0,
      pending_version: 1,
      pending_digest: input.digest,
      owner: input.owner,
      lease_until: input.leaseUntil,
      fence: (previous?.fence ?? 0) + 1,
      revision: 1,
      state: RecordState.CREATING,
      subscription_ids: [],
      created_at: now,
      updated_at: now,
    };
    const { subscription_ids: _none, ...attributes } = record;
    const put = await this.table.put(
      eventTypeItem(attributes),
      previous === undefined
        ? ONLY_IF_ABSENT
        : {
            ConditionExpression: `#state = :creating AND ${fenceCondition(previous)} AND ${LEASE_EXPIRED}`,
            ExpressionAttributeNames: { '#state': 'state', '#fence': 'fence', '#lease': 'lease_until' },
            ExpressionAttributeValues: {
              ':creating': RecordState.CREATING,
              ':now': now,
              ...(previous.fence === undefined ? {} : { ':fence': previous.fence }),
            },
          },
      'Saving the event type record',
    );
    return put.ok ? { ok: true, value: record } : put;
  }

  /**
   * Starts (or resumes) a new version, owned by `owner` until `leaseUntil`: records the pending version and,
   * if given, the new description, and moves the fence on. Fails (`ok: false`) unless the type is `READY`, is
   * still exactly `previous` (same fence; same revision unless resuming), has no other version pending (a
   * pending version with the same number may be taken over) and no lease on pending work that has not run
   * out. Starting bumps the revision; resuming the pending version of the same request does not.
   */
  async beginNewVersion(input: {
    readonly previous: EventTypeRecord;
    readonly version: number;
    readonly digest: string;
    readonly owner: string;
    readonly leaseUntil: string;
    readonly resuming: boolean;
    readonly description?: string;
  }): Promise<Conditional<EventTypeRecord>> {
    const { previous } = input;
    const revisionCondition = input.resuming ? '#pdigest = :digest' : '#revision = :expected';
    return this.update(
      'Saving the event type record',
      previous.event_type,
      {
        set: {
          pending_version: input.version,
          pending_digest: input.digest,
          owner: input.owner,
          lease_until: input.leaseUntil,
          fence: (previous.fence ?? 0) + 1,
          ...(input.description === undefined ? {} : { description: input.description }),
        },
        condition: `${revisionCondition} AND #state = :ready AND ${fenceCondition(previous)} AND ${LEASE_EXPIRED} AND (attribute_not_exists(#pending) OR #pending = :version)`,
        names: {
          '#state': 'state',
          '#pending': 'pending_version',
          '#fence': 'fence',
          '#lease': 'lease_until',
          ...(input.resuming ? { '#pdigest': 'pending_digest' } : { '#revision': 'revision' }),
        },
        values: {
          ...(input.resuming ? { ':digest': input.digest } : { ':expected': previous.revision }),
          ':ready': RecordState.READY,
          ':version': input.version,
          ':now': this.table.timestamp(),
          ...(previous.fence === undefined ? {} : { ':fence': previous.fence }),
        },
      },
      !input.resuming,
    );
  }

  /**
   * Gives up the lease of `owner` on the pending work (after a failure), so that a repeated or corrected
   * request may take it over at once. Nothing happens when `owner` no longer holds it.
   */
  async releaseLease(eventType: string, owner: string): Promise<void> {
    await this.table.update(
      {
        Key: eventTypeKey(eventType),
        UpdateExpression: 'REMOVE #lease',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#lease': 'lease_until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      },
      'Saving the event type record',
    );
  }

  /** Changes only the description; fails (`ok: false`) unless the type is `READY` at `expectedRevision`. */
  async updateDescription(input: {
    readonly eventType: string;
    readonly expectedRevision: number;
    readonly description: string;
  }): Promise<Conditional<EventTypeRecord>> {
    return this.update(
      'Saving the event type record',
      input.eventType,
      {
        set: { description: input.description },
        condition: '#revision = :expected AND #state = :ready',
        names: { '#state': 'state', '#revision': 'revision' },
        values: { ':expected': input.expectedRevision, ':ready': RecordState.READY },
      },
      true,
    );
  }

  /**
   * Marks `version` complete on the type: it becomes the latest version and the type `READY`. Fails
   * (`ok: false`) unless `owner` still holds the pending work on `version`.
   */
  async completeVersion(input: {
    readonly eventType: string;
    readonly version: number;
    readonly owner: string;
  }): Promise<Conditional<EventTypeRecord>> {
    return this.update(
      'Activating the event type record',
      input.eventType,
      {
        set: { latest_version: input.version, state: RecordState.READY },
        remove: ['pending_version', 'pending_digest', 'owner', 'lease_until'],
        condition: '#pending = :version AND #owner = :owner AND #state <> :deleting',
        names: { '#pending': 'pending_version', '#owner': 'owner', '#state': 'state' },
        values: { ':version': input.version, ':owner': input.owner, ':deleting': RecordState.DELETING },
      },
      false,
    );
  }

  /**
   * Marks the type `DELETING` and takes the pending work from its owner; fails (`ok: false`) while it has
   * subscriptions, while another request holds a lease on pending work, or when it does not exist.
   */
  async beginDeletion(eventType: string, expectedRevision?: number): Promise<Conditional<EventTypeRecord>> {
    const revisionCondition = expectedRevision === undefined ? '' : ' AND #revision = :expected';
    return this.update(
      'Saving the event type record',
      eventType,
      {
        set: { state: RecordState.DELETING },
        remove: ['owner', 'lease_until'],
        condition: `attribute_exists(#pk) AND attribute_not_exists(#subscriptions) AND ${LEASE_EXPIRED}${revisionCondition}`,
        names: {
          '#pk': K.PARTITION,
          '#subscriptions': 'subscription_ids',
          '#lease': 'lease_until',
          ...(expectedRevision === undefined ? {} : { '#revision': 'revision' }),
        },
        values: {
          ':now': this.table.timestamp(),
          ...(expectedRevision === undefined ? {} : { ':expected': expectedRevision }),
        },
      },
      true,
    );
  }

  /** A conditional update of the type record, answering the record as written. */
  private async update(
    step: string,
    eventType: string,
    update: RecordUpdate,
    bumpRevision: boolean,
  ): Promise<Conditional<EventTypeRecord>> {
    const expressions = updateExpressionOf(update, { updatedAt: this.table.timestamp(), bumpRevision });
    const written = await this.table.update(
      {
        Key: eventTypeKey(eventType),
        ...expressions,
        ReturnValues: 'ALL_NEW',
      },
      step,
    );
    return written.ok ? { ok: true, value: decodeEventType(written.value ?? {}) } : written;
  }

  /**
   * Adds a subscription to its event type's set of subscriptions. Idempotent. Fails (`ok: false`) unless the
   * event type is `READY`, which is what keeps subscriptions from appearing on a type being deleted.
   */
  async attachSubscription(eventType: string, subscriptionId: string): Promise<Conditional<EventTypeRecord>> {
    const written = await this.table.update(
      {
        Key: eventTypeKey(eventType),
        UpdateExpression: 'ADD #subscriptions :id',
        ConditionExpression: '#state = :ready',
        ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#state': 'state' },
        ExpressionAttributeValues: { ':id': new Set([subscriptionId]), ':ready': RecordState.READY },
        ReturnValues: 'ALL_NEW',
      },
      'Saving the subscription record',
    );
    return written.ok ? { ok: true, value: decodeEventType(written.value ?? {}) } : written;
  }

  /** Removes a subscription from its event type's set. Idempotent; nothing happens if the type is gone. */
  async detachSubscription(eventType: string, subscriptionId: string): Promise<void> {
    await this.table.update(
      {
        Key: eventTypeKey(eventType),
        UpdateExpression: 'DELETE #subscriptions :id',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#pk': K.PARTITION },
        ExpressionAttributeValues: { ':id': new Set([subscriptionId]) },
      },
      'Removing the subscription record',
    );
  }

  /** Removes every record of an event type (its versions, then the type itself). */
  async deleteRecords(eventType: string): Promise<void> {
    await this.table.deleteRecordAndItems(eventTypeKey(eventType), 'Removing the event type records');
  }

  /**
   * Writes an event type record rebuilt from its backups, with the same keys and indexes the portal writes.
   * Only when no record exists, unless `replace` (then only over a record that is not being changed: no
   * pending work). Fails (`ok: false`) when the condition does not hold.
   */
  async putRestored(record: EventTypeRecord, replace = false): Promise<Conditional<void>> {
    const { subscription_ids: ids, ...attributes } = record;
    return this.table.put(
      eventTypeItem({ ...attributes, ...(ids.length === 0 ? {} : { subscription_ids: new Set(ids) }) }),
      replace
        ? {
            ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#pending)',
            ExpressionAttributeNames: { '#pk': K.PARTITION, '#pending': 'pending_version' },
          }
        : ONLY_IF_ABSENT,
      'Restoring the event type record',
    );
  }

  /** Adds subscriptions to an event type's set, whatever its state. Fails (`ok: false`) when it does not exist. */
  async addSubscriptionIds(eventType: string, ids: readonly string[]): Promise<Conditional<void>> {
    const written = await this.table.update(
      {
        Key: eventTypeKey(eventType),
        UpdateExpression: 'ADD #subscriptions :ids',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#pk': K.PARTITION },
        ExpressionAttributeValues: { ':ids': new Set(ids) },
      },
      'Restoring the event type record',
    );
    return written.ok ? { ok: true, value: undefined } : written;
  }
}
