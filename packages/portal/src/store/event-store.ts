import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ConsumerType,
  DependencyFailureError,
  type DeploymentStatus,
  EVENTS_TABLE_META,
  type EventsTableItemKey,
  EventsTableKey,
  eventTypeKey,
  eventTypePartition,
  type JsonObject,
  type JsonSchema,
  type ProducerType,
  type RetryPolicy,
  subscriptionKey,
  subscriptionPartition,
  ValidationError,
  VERSION_SORT_PREFIX,
  versionKey,
  versionSortKey,
} from '@bridgeport/core';
import { statusUpdateOf } from './status-update';

/**
 * Progress of a record through the portal's own side effects (not the deployment): `CREATING` until every
 * side effect of the request is done, `READY` afterwards, `DELETING` while its removal is in progress.
 */
export const RecordState = { CREATING: 'CREATING', READY: 'READY', DELETING: 'DELETING' } as const;
export type RecordState = (typeof RecordState)[keyof typeof RecordState];

export interface EventTypeRecord {
  readonly event_type: string;
  readonly application: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  /** SQS event types: who may send to the ingress queues (absent: the deploying account). */
  readonly allowed_principals?: readonly string[];
  /** HTTPS event types: the producers' requests per second (their usage plan's throttle). */
  readonly rate_limit_per_second?: number;
  /** Highest completed version; 0 while version 1 is being created. */
  readonly latest_version: number;
  /** The version whose side effects are in progress, if any. */
  readonly pending_version?: number;
  /** Digest of the request that started the pending version (or the creation). */
  readonly pending_digest?: string;
  /**
   * Token of the request doing the pending work. Every side effect of that request is fenced on it: a request
   * that finds another token here has lost the work and stops.
   */
  readonly owner?: string;
  /** Until when (ISO-8601) the owner holds the pending work; no other request takes it over before. */
  readonly lease_until?: string;
  /** Incremented each time the pending work changes hands (a fencing token). */
  readonly fence?: number;
  /** Incremented by every change; the ETag. */
  readonly revision: number;
  readonly state: RecordState;
  /** Subscriptions on any version of this type. */
  readonly subscription_ids: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
}

export interface EventVersionRecord {
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  /** SQS event types: who may send to the ingress queue, copied from the type. */
  readonly allowed_principals?: readonly string[];
  /** The caller's JSON Schema of `data`. */
  readonly data_schema: JsonSchema;
  /** The full envelope schema producers and consumers see. */
  readonly envelope_schema: JsonSchema;
  /** Compatibility with the previous version (absent for version 1). */
  readonly compatibility?: JsonObject;
  readonly state: RecordState;
  /** Deployment status of this version's producer. */
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly status_updated_at: string;
  readonly created_at: string;
  readonly request_digest: string;
  /** The fence of the event type record when this version record was written. */
  readonly fence?: number;
  /** Token of the request that wrote this version record. */
  readonly owner?: string;
  /** The schema registry's version holding this version's envelope (set when the version completes). */
  readonly registry_version?: string;
}

/** The lightweight view of a version used in listings. */
export interface EventVersionSummary {
  readonly version: number;
  readonly state: RecordState;
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly created_at: string;
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly event_type: string;
  readonly version: number;
  /** Owner of the event type (the EventBridge source). */
  readonly application: string;
  /** The team that made the subscription and owns it (absent on records made before teams owned them). */
  readonly team?: string;
  readonly target_unit?: string;
  readonly connection_type: ConsumerType;
  readonly connection_string: string;
  readonly filter?: JsonObject;
  readonly retry_policy: RetryPolicy;
  /** HTTPS consumers: the Secrets Manager secret holding the endpoint's credentials. */
  readonly secret_name?: string;
  /** HTTPS consumers: invocations per second. */
  readonly rate_limit_per_second?: number;
  readonly state: RecordState;
  /** Deployment status of this subscription's consumer. */
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly request_digest: string;
}

/** An opaque position in a listing (a DynamoDB key). */
export type PageKey = Readonly<Record<string, string | number>>;

export interface Page<T> {
  readonly items: T[];
  /** Present when more items follow. */
  readonly nextKey?: PageKey;
}

export interface PageRequest {
  readonly limit: number;
  readonly startKey?: PageKey;
}

export interface EventStoreOptions {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** Identifies a `POST /subscriptions` request: its event type, version and digest. */
export interface SubscriptionClaim {
  readonly eventType: string;
  readonly version: number;
  readonly digest: string;
}

/** Outcome of a conditional write that may lose to the current state. */
export type Conditional<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const K = EventsTableKey;
const LIST_EVENT_TYPES = 'EVENT_TYPES';
const LIST_SUBSCRIPTIONS = 'SUBSCRIPTIONS';
const META = EVENTS_TABLE_META;

const subscriptionClaimKey = (claim: SubscriptionClaim) => ({
  [K.PARTITION]: `SUBSCRIPTION_REQUEST#${claim.eventType}#${claim.version}#${claim.digest}`,
  [K.SORT]: META,
});
/** A claim outlives any request that could still be working on it, then DynamoDB's TTL removes it. */
const SUBSCRIPTION_CLAIM_SECONDS = 24 * 3600;
const applicationPartition = (application: string) => `APPLICATION#${application}`;
const subscriptionsOfTypePartition = (eventType: string) => `SUBSCRIBED_TO#${eventType}`;

/** The key DynamoDB would return as `LastEvaluatedKey` after `item`: the table's keys, plus the index's. */
function pageKeyOf(item: Item, indexName: string | undefined): PageKey {
  const names: string[] = [K.PARTITION, K.SORT];
  if (indexName === K.LIST_INDEX) names.push(K.LIST_PARTITION, K.LIST_SORT);
  if (indexName === K.LOOKUP_INDEX) names.push(K.LOOKUP_PARTITION, K.LOOKUP_SORT);
  return Object.fromEntries(names.map((name) => [name, item[name]])) as PageKey;
}

/** Whether `key` has exactly the attributes `pageKeyOf` gives for this index, each a string or a number. */
function isPageKeyOf(key: PageKey, indexName: string | undefined): boolean {
  const expected = Object.keys(pageKeyOf({}, indexName)).sort();
  const names = Object.keys(key).sort();
  return (
    names.length === expected.length &&
    names.every((name, i) => name === expected[i]) &&
    Object.values(key).every((value) => typeof value === 'string' || typeof value === 'number')
  );
}

function invalidPageToken(): ValidationError {
  return new ValidationError('The query parameters are not valid', [
    { path: 'query.next_token', message: 'is not a token returned by this listing' },
  ]);
}

function isValidationFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

const KEY_ATTRIBUTES: readonly string[] = [
  K.PARTITION,
  K.SORT,
  K.LIST_PARTITION,
  K.LIST_SORT,
  K.LOOKUP_PARTITION,
  K.LOOKUP_SORT,
];

/** The lease on pending work is absent or has run out (`:now` and `#lease` to be bound). */
const LEASE_EXPIRED = '(attribute_not_exists(#lease) OR #lease < :now)';

/** The record's fence is still the one `previous` had (`#fence`, and `:fence` when it had one, to be bound). */
function fenceCondition(previous: EventTypeRecord): string {
  return previous.fence === undefined ? 'attribute_not_exists(#fence)' : '#fence = :fence';
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

type Item = Record<string, unknown>;

/** An item whose `expires_at` has passed: DynamoDB's TTL may not have removed it yet, but it is gone. */
function isExpired(item: Item | undefined, nowSeconds: number): boolean {
  const expiresAt = item?.[K.TIME_TO_LIVE];
  return typeof expiresAt === 'number' && expiresAt < nowSeconds;
}

function stripKeys(item: Item): Item {
  const copy: Item = {};
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.includes(name) && name !== 'entity' && name !== K.TIME_TO_LIVE) copy[name] = value;
  }
  return copy;
}

/** Schemas are kept as JSON text: a DynamoDB map cannot hold every property name (`__proto__`, `constructor`). */
const SCHEMA_TEXT = { data_schema: 'data_schema_json', envelope_schema: 'envelope_schema_json' } as const;

function versionToItem(record: EventVersionRecord): Item {
  const { data_schema, envelope_schema, ...rest } = record;
  return {
    ...rest,
    [SCHEMA_TEXT.data_schema]: JSON.stringify(data_schema),
    [SCHEMA_TEXT.envelope_schema]: JSON.stringify(envelope_schema),
  };
}

/** A version record from its item; records written before schemas were kept as text hold them as maps. */
function itemToVersion(item: Item): EventVersionRecord {
  const { [SCHEMA_TEXT.data_schema]: dataText, [SCHEMA_TEXT.envelope_schema]: envelopeText, ...rest } = item;
  return {
    ...rest,
    data_schema: typeof dataText === 'string' ? JSON.parse(dataText) : rest.data_schema,
    envelope_schema: typeof envelopeText === 'string' ? JSON.parse(envelopeText) : rest.envelope_schema,
  } as EventVersionRecord;
}

/** A subscription's filter is kept as JSON text too (its keys are the schema's property names). */
const FILTER_TEXT = 'filter_json';

function subscriptionToItem(record: SubscriptionRecord): Item {
  const { filter, ...rest } = record;
  return filter === undefined ? rest : { ...rest, [FILTER_TEXT]: JSON.stringify(filter) };
}

function itemToSubscription(item: Item): SubscriptionRecord {
  const { [FILTER_TEXT]: filterText, ...rest } = item;
  return (
    typeof filterText === 'string' ? { ...rest, filter: JSON.parse(filterText) } : rest
  ) as SubscriptionRecord;
}

/** The item of an event type record, with the keys and list indexes every write of one carries. */
function eventTypeItem(
  record: Omit<EventTypeRecord, 'subscription_ids'> & { subscription_ids?: Set<string> },
): Item {
  return {
    ...eventTypeKey(record.event_type),
    entity: 'EVENT_TYPE',
    [K.LIST_PARTITION]: LIST_EVENT_TYPES,
    [K.LIST_SORT]: record.event_type,
    [K.LOOKUP_PARTITION]: applicationPartition(record.application),
    [K.LOOKUP_SORT]: record.event_type,
    ...record,
  };
}

/** The item of a version record: its keys, schemas as JSON text. */
function versionItem(record: EventVersionRecord): Item {
  return {
    ...versionKey(record.event_type, record.version),
    entity: 'EVENT_VERSION',
    ...versionToItem(record),
  };
}

/** The item of a subscription record: its keys, list indexes, filter as JSON text. */
function subscriptionItem(record: SubscriptionRecord): Item {
  return {
    ...subscriptionKey(record.id),
    entity: 'SUBSCRIPTION',
    [K.LIST_PARTITION]: LIST_SUBSCRIPTIONS,
    [K.LIST_SORT]: record.id,
    [K.LOOKUP_PARTITION]: subscriptionsOfTypePartition(record.event_type),
    [K.LOOKUP_SORT]: `${versionSortKey(record.version)}#${record.id}`,
    ...subscriptionToItem(record),
  };
}

/** The condition of a write that creates a record only where none exists. */
const ONLY_IF_ABSENT = {
  ConditionExpression: 'attribute_not_exists(#pk)',
  ExpressionAttributeNames: { '#pk': K.PARTITION },
} as const;

function toEventType(item: Item): EventTypeRecord {
  const { subscription_ids, ...rest } = stripKeys(item);
  const ids = subscription_ids instanceof Set ? [...subscription_ids].map(String).sort() : [];
  return { ...(rest as Omit<EventTypeRecord, 'subscription_ids'>), subscription_ids: ids };
}

/**
 * The portal's DynamoDB table (single-table design): event types, their versions, subscriptions and dead
 * letters. Every read is a Get or a Query (never a Scan); every write that could race is conditional.
 * DynamoDB failures are raised as `DependencyFailureError` naming the step.
 */
export class EventStore {
  readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => Date;

  constructor(options: EventStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.now = options.now ?? (() => new Date());
  }

  /** The clock in epoch seconds, the unit of `expires_at`. */
  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  private async call<T>(step: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new DependencyFailureError(step, error);
    }
  }

  /** Runs a conditional write; `{ ok: false }` when its condition does not hold. */
  private async conditional<T>(step: string, action: () => Promise<T>): Promise<Conditional<T>> {
    try {
      return { ok: true, value: await action() };
    } catch (error) {
      if (isConditionFailure(error)) return { ok: false };
      throw new DependencyFailureError(step, error);
    }
  }

  private async queryAll(input: QueryCommandInput, step: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call(step, () =>
        this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /**
   * One page of at most `page.limit` items, and a `nextKey` only when more items follow: DynamoDB is asked for
   * one item beyond the page (again while a filter leaves it short), so the last page never carries a token.
   */
  private async queryPage(input: QueryCommandInput, page: PageRequest, step: string): Promise<Page<Item>> {
    const items: Item[] = [];
    let startKey = page.startKey;
    if (startKey !== undefined && !isPageKeyOf(startKey, input.IndexName)) throw invalidPageToken();
    do {
      const result = await this.call(step, async () => {
        try {
          return await this.client.send(
            new QueryCommand({ ...input, Limit: page.limit + 1 - items.length, ExclusiveStartKey: startKey }),
          );
        } catch (error) {
          // A position DynamoDB refuses for this query came from a token that this listing did not issue.
          if (startKey === page.startKey && startKey !== undefined && isValidationFailure(error)) {
            throw invalidPageToken();
          }
          throw error;
        }
      });
      items.push(...((result.Items ?? []) as Item[]));
      startKey = result.LastEvaluatedKey as PageKey | undefined;
    } while (items.length <= page.limit && startKey !== undefined);
    if (items.length <= page.limit) return { items };
    const kept = items.slice(0, page.limit);
    return { items: kept, nextKey: pageKeyOf(kept[kept.length - 1] as Item, input.IndexName) };
  }

  // ---- event types ----------------------------------------------------------------------------------------

  async getEventType(eventType: string): Promise<EventTypeRecord | undefined> {
    const result = await this.call('Reading the event type', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: eventTypeKey(eventType), ConsistentRead: true }),
      ),
    );
    return result.Item === undefined ? undefined : toEventType(result.Item);
  }

  /** Event types in name order, optionally of one application; those still being created are left out. */
  async listEventTypes(
    options: PageRequest & { readonly application?: string },
  ): Promise<Page<EventTypeRecord>> {
    const byApplication = options.application !== undefined;
    const page = await this.queryPage(
      {
        TableName: this.tableName,
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
    return { ...page, items: page.items.map(toEventType) };
  }

  /**
   * Starts creating an event type with version 1: writes the type in state `CREATING` owned by `owner` until
   * `leaseUntil`. `previous` is the record as read before (undefined when there was none): an earlier creation
   * that never completed is replaced only if the record is still exactly that one (same fence) and its lease
   * has run out. Fails (`ok: false`) otherwise.
   */
  async beginEventTypeCreation(
    input: Pick<
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
    },
    previous: EventTypeRecord | undefined,
  ): Promise<Conditional<EventTypeRecord>> {
    const now = this.timestamp();
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
    return this.conditional('Saving the event type record', async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventTypeItem(attributes),
          ...(previous === undefined
            ? ONLY_IF_ABSENT
            : {
                ConditionExpression: `#state = :creating AND ${fenceCondition(previous)} AND ${LEASE_EXPIRED}`,
                ExpressionAttributeNames: { '#state': 'state', '#fence': 'fence', '#lease': 'lease_until' },
                ExpressionAttributeValues: {
                  ':creating': RecordState.CREATING,
                  ':now': now,
                  ...(previous.fence === undefined ? {} : { ':fence': previous.fence }),
                },
              }),
        }),
      );
      return record;
    });
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
    return this.updateEventType(
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
          ':now': this.timestamp(),
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
    await this.conditional('Saving the event type record', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventTypeKey(eventType),
          UpdateExpression: 'REMOVE #lease',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#lease': 'lease_until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  /** Changes only the description; fails (`ok: false`) unless the type is `READY` at `expectedRevision`. */
  async updateDescription(input: {
    readonly eventType: string;
    readonly expectedRevision: number;
    readonly description: string;
  }): Promise<Conditional<EventTypeRecord>> {
    return this.updateEventType(
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
    return this.updateEventType(
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
  async beginEventTypeDeletion(
    eventType: string,
    expectedRevision?: number,
  ): Promise<Conditional<EventTypeRecord>> {
    const revisionCondition = expectedRevision === undefined ? '' : ' AND #revision = :expected';
    return this.updateEventType(
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
          ':now': this.timestamp(),
          ...(expectedRevision === undefined ? {} : { ':expected': expectedRevision }),
        },
      },
      true,
    );
  }

  private async updateEventType(
    step: string,
    eventType: string,
    update: {
      readonly set: Record<string, unknown>;
      readonly remove?: readonly string[];
      readonly condition: string;
      readonly names: Record<string, string>;
      readonly values: Record<string, unknown>;
    },
    bumpRevision: boolean,
  ): Promise<Conditional<EventTypeRecord>> {
    const names: Record<string, string> = { ...update.names, '#updated_at': 'updated_at' };
    const values: Record<string, unknown> = { ...update.values, ':updated_at': this.timestamp() };
    const assignments = ['#updated_at = :updated_at'];
    Object.entries(update.set).forEach(([name, value], index) => {
      names[`#s${index}`] = name;
      values[`:s${index}`] = value;
      assignments.push(`#s${index} = :s${index}`);
    });
    if (bumpRevision) {
      names['#revision'] = 'revision';
      values[':one'] = 1;
      assignments.push('#revision = #revision + :one');
    }
    let expression = `SET ${assignments.join(', ')}`;
    if (update.remove !== undefined && update.remove.length > 0) {
      const removed = update.remove.map((name, index) => {
        names[`#r${index}`] = name;
        return `#r${index}`;
      });
      expression += ` REMOVE ${removed.join(', ')}`;
    }
    return this.conditional(step, async () => {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventTypeKey(eventType),
          UpdateExpression: expression,
          ConditionExpression: update.condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length === 0 ? undefined : values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEventType(result.Attributes ?? {});
    });
  }

  // ---- versions -------------------------------------------------------------------------------------------

  /**
   * Writes a version in state `CREATING` (status `PENDING`), replacing an earlier attempt at the same version
   * that never completed and was written under an older (or the same) fence. Fails (`ok: false`) if that
   * version is already complete or was written by a newer owner.
   */
  async putPendingVersion(
    input: Omit<
      EventVersionRecord,
      'state' | 'status' | 'status_updated_at' | 'status_reason' | 'created_at'
    >,
  ): Promise<Conditional<EventVersionRecord>> {
    const now = this.timestamp();
    const record: EventVersionRecord = {
      ...input,
      state: RecordState.CREATING,
      status: 'PENDING',
      status_updated_at: now,
      created_at: now,
    };
    return this.conditional('Saving the event version record', async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: versionItem(record),
          ConditionExpression:
            'attribute_not_exists(#pk) OR (#state = :creating AND (attribute_not_exists(#fence) OR #fence <= :fence))',
          ExpressionAttributeNames: { '#pk': K.PARTITION, '#state': 'state', '#fence': 'fence' },
          ExpressionAttributeValues: { ':creating': RecordState.CREATING, ':fence': record.fence ?? 0 },
        }),
      );
      return record;
    });
  }

  async getVersion(eventType: string, version: number): Promise<EventVersionRecord | undefined> {
    const result = await this.call('Reading the event version', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: versionKey(eventType, version),
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item === undefined ? undefined : itemToVersion(stripKeys(result.Item));
  }

  /** Every version of a type (any state), oldest first, without their schemas. */
  async listVersions(eventType: string): Promise<EventVersionSummary[]> {
    const items = await this.queryAll(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ProjectionExpression: '#version, #state, #status, #reason, #created',
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
    return items as unknown as EventVersionSummary[];
  }

  /**
   * Marks a version's side effects complete and records the schema registry version holding it. Fails
   * (`ok: false`) unless the version record was written by `owner`.
   */
  async completeVersionRecord(input: {
    readonly eventType: string;
    readonly version: number;
    readonly owner: string;
    readonly registryVersion: string;
  }): Promise<Conditional<void>> {
    return this.conditional('Activating the event version record', async () => {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: versionKey(input.eventType, input.version),
          UpdateExpression: 'SET #state = :ready, #registry = :registry',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#registry': 'registry_version', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':ready': RecordState.READY,
            ':registry': input.registryVersion,
            ':owner': input.owner,
          },
        }),
      );
    });
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
    const result = await this.conditional('Recording the producer status', () =>
      this.client.send(
        new UpdateCommand(this.statusUpdate(versionKey(eventType, version), status, reason, eventAt)),
      ),
    );
    return result.ok;
  }

  private statusUpdate(
    key: EventsTableItemKey,
    status: DeploymentStatus,
    reason: string | undefined,
    eventAt: string | undefined,
  ) {
    return {
      TableName: this.tableName,
      ...statusUpdateOf({ key, status, at: this.timestamp(), reason, eventAt }),
    };
  }

  /** Removes every record of an event type (its versions, then the type itself). */
  async deleteEventTypeRecords(eventType: string): Promise<void> {
    const step = 'Removing the event type records';
    const items = await this.queryAll(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': K.PARTITION, '#sk': K.SORT },
        ExpressionAttributeValues: { ':pk': eventTypePartition(eventType) },
        ConsistentRead: true,
      },
      step,
    );
    const versions = items.filter((item) => item[K.SORT] !== META);
    await this.deleteKeys(versions, step);
    await this.call(step, () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: eventTypeKey(eventType) })),
    );
  }

  private async deleteKeys(keys: readonly Item[], step: string): Promise<void> {
    for (let start = 0; start < keys.length; start += 25) {
      let requests: unknown[] = keys.slice(start, start + 25).map((item) => ({
        DeleteRequest: { Key: { [K.PARTITION]: item[K.PARTITION], [K.SORT]: item[K.SORT] } },
      }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt === 5) throw new DependencyFailureError(step, new Error('Unprocessed deletes remained'));
        const result = await this.call(step, () =>
          this.client.send(
            new BatchWriteCommand({
              RequestItems: { [this.tableName]: requests as never },
            }),
          ),
        );
        requests = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  // ---- subscriptions --------------------------------------------------------------------------------------

  /** Writes a new subscription in state `CREATING` (status `PENDING`). */
  async putPendingSubscription(
    input: Omit<SubscriptionRecord, 'state' | 'status' | 'status_reason' | 'created_at' | 'updated_at'>,
  ): Promise<SubscriptionRecord> {
    const now = this.timestamp();
    const record: SubscriptionRecord = {
      ...input,
      state: RecordState.CREATING,
      status: 'PENDING',
      created_at: now,
      updated_at: now,
    };
    const result = await this.conditional('Saving the subscription record', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: subscriptionItem(record),
          ...ONLY_IF_ABSENT,
        }),
      ),
    );
    if (!result.ok) {
      const existing = await this.getSubscription(record.id);
      if (existing?.request_digest === record.request_digest) return existing;
      throw new DependencyFailureError(
        'Saving the subscription record',
        new Error(`Id ${record.id} is taken`),
      );
    }
    return record;
  }

  /**
   * Claims the subscription id for a request (identified by its digest) while the subscription is being
   * created: answers `id` when the claim is new, or the id an identical earlier request claimed. `replacing`
   * replaces a claim that still names that id (one whose subscription completed or went away).
   */
  async claimSubscription(claim: SubscriptionClaim, id: string, replacing?: string): Promise<string> {
    const step = 'Saving the subscription record';
    const nowSeconds = this.epochSeconds();
    const expiresAt = nowSeconds + SUBSCRIPTION_CLAIM_SECONDS;
    const put = await this.conditional(step, () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...subscriptionClaimKey(claim),
            entity: 'SUBSCRIPTION_CLAIM',
            subscription_id: id,
            [K.TIME_TO_LIVE]: expiresAt,
          },
          // A claim past its expiry counts as absent: DynamoDB's TTL removes it only some time later.
          ConditionExpression:
            replacing === undefined
              ? 'attribute_not_exists(#pk) OR #exp < :now'
              : '#id = :replacing OR #exp < :now',
          ExpressionAttributeNames:
            replacing === undefined
              ? { '#pk': K.PARTITION, '#exp': K.TIME_TO_LIVE }
              : { '#id': 'subscription_id', '#exp': K.TIME_TO_LIVE },
          ExpressionAttributeValues:
            replacing === undefined
              ? { ':now': nowSeconds }
              : { ':now': nowSeconds, ':replacing': replacing },
        }),
      ),
    );
    if (put.ok) return id;
    const current = await this.call(step, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: subscriptionClaimKey(claim), ConsistentRead: true }),
      ),
    );
    const claimed = current.Item?.subscription_id;
    if (typeof claimed === 'string' && !isExpired(current.Item, this.epochSeconds())) return claimed;
    return this.claimSubscription(claim, id);
  }

  /** Removes the claim of a request if it still names `id`. Idempotent. */
  async releaseSubscriptionClaim(claim: SubscriptionClaim, id: string): Promise<void> {
    await this.conditional('Activating the subscription record', () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: subscriptionClaimKey(claim),
          ConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'subscription_id' },
          ExpressionAttributeValues: { ':id': id },
        }),
      ),
    );
  }

  /**
   * Adds a subscription to its event type's set of subscriptions. Idempotent. Fails (`ok: false`) unless the
   * event type is `READY`, which is what keeps subscriptions from appearing on a type being deleted.
   */
  async attachSubscription(eventType: string, subscriptionId: string): Promise<Conditional<EventTypeRecord>> {
    return this.conditional('Saving the subscription record', async () => {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventTypeKey(eventType),
          UpdateExpression: 'ADD #subscriptions :id',
          ConditionExpression: '#state = :ready',
          ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#state': 'state' },
          ExpressionAttributeValues: { ':id': new Set([subscriptionId]), ':ready': RecordState.READY },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEventType(result.Attributes ?? {});
    });
  }

  /** Removes a subscription from its event type's set. Idempotent; nothing happens if the type is gone. */
  async detachSubscription(eventType: string, subscriptionId: string): Promise<void> {
    await this.conditional('Removing the subscription record', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventTypeKey(eventType),
          UpdateExpression: 'DELETE #subscriptions :id',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#pk': K.PARTITION },
          ExpressionAttributeValues: { ':id': new Set([subscriptionId]) },
        }),
      ),
    );
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const result = await this.call('Reading the subscription', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: subscriptionKey(id), ConsistentRead: true }),
      ),
    );
    return result.Item === undefined ? undefined : itemToSubscription(stripKeys(result.Item));
  }

  /** Several subscriptions by id (missing ones are left out), in the order given. */
  async getSubscriptions(ids: readonly string[]): Promise<SubscriptionRecord[]> {
    const found = new Map<string, SubscriptionRecord>();
    for (let start = 0; start < ids.length; start += 100) {
      let keys: Item[] = ids.slice(start, start + 100).map(subscriptionKey);
      for (let attempt = 0; keys.length > 0 && attempt < 5; attempt += 1) {
        const result = await this.call('Reading the subscriptions', () =>
          this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
          ),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const record = itemToSubscription(stripKeys(item));
          found.set(record.id, record);
        }
        keys = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
      }
    }
    return ids.flatMap((id) => {
      const record = found.get(id);
      return record === undefined ? [] : [record];
    });
  }

  /** Subscriptions in id order, or those of one event type (and version) in version order. */
  async listSubscriptions(
    options: PageRequest & { readonly eventType?: string; readonly version?: number },
  ): Promise<Page<SubscriptionRecord>> {
    const input: QueryCommandInput =
      options.eventType === undefined
        ? {
            TableName: this.tableName,
            IndexName: K.LIST_INDEX,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': K.LIST_PARTITION },
            ExpressionAttributeValues: { ':pk': LIST_SUBSCRIPTIONS },
          }
        : {
            TableName: this.tableName,
            IndexName: K.LOOKUP_INDEX,
            KeyConditionExpression:
              options.version === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: {
              '#pk': K.LOOKUP_PARTITION,
              ...(options.version === undefined ? {} : { '#sk': K.LOOKUP_SORT }),
            },
            ExpressionAttributeValues: {
              ':pk': subscriptionsOfTypePartition(options.eventType),
              ...(options.version === undefined ? {} : { ':prefix': `${versionSortKey(options.version)}#` }),
            },
          };
    const page = await this.queryPage(input, options, 'Listing subscriptions');
    return { ...page, items: page.items.map((item) => itemToSubscription(stripKeys(item))) };
  }

  /** Moves a subscription to `state`, optionally with a deployment status. */
  async setSubscriptionState(id: string, state: RecordState, status?: DeploymentStatus): Promise<void> {
    await this.call(
      state === RecordState.DELETING
        ? 'Removing the subscription record'
        : 'Activating the subscription record',
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: subscriptionKey(id),
            UpdateExpression:
              status === undefined
                ? 'SET #state = :state, #at = :at'
                : 'SET #state = :state, #at = :at, #status = :status',
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: {
              '#pk': K.PARTITION,
              '#state': 'state',
              '#at': 'updated_at',
              ...(status === undefined ? {} : { '#status': 'status' }),
            },
            ExpressionAttributeValues: {
              ':state': state,
              ':at': this.timestamp(),
              ...(status === undefined ? {} : { ':status': status }),
            },
          }),
        ),
    );
  }

  /**
   * Marks a subscription's side effects complete. Fails (`false`) when the subscription is being deleted or
   * is gone: its manifest must not stay behind then.
   */
  async activateSubscription(id: string): Promise<boolean> {
    const result = await this.conditional('Activating the subscription record', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(id),
          UpdateExpression: 'SET #state = :ready, #at = :at',
          ConditionExpression: '#state IN (:creating, :ready)',
          ExpressionAttributeNames: { '#state': 'state', '#at': 'updated_at' },
          ExpressionAttributeValues: {
            ':ready': RecordState.READY,
            ':creating': RecordState.CREATING,
            ':at': this.timestamp(),
          },
        }),
      ),
    );
    return result.ok;
  }

  /**
   * Records the deployment status of a subscription's consumer (used by the deployment side). With `eventAt`,
   * only if no status of a later deployment event was recorded. Returns false when nothing is written: the
   * subscription does not exist or its status is newer.
   */
  async setSubscriptionStatus(
    subscriptionId: string,
    status: DeploymentStatus,
    reason?: string,
    eventAt?: string,
  ): Promise<boolean> {
    const result = await this.conditional('Recording the consumer status', () =>
      this.client.send(
        new UpdateCommand(this.statusUpdate(subscriptionKey(subscriptionId), status, reason, eventAt)),
      ),
    );
    return result.ok;
  }

  /** Removes a subscription record and the items under it. Idempotent. */
  async deleteSubscriptionRecords(subscriptionId: string): Promise<void> {
    const step = 'Removing the subscription record';
    const items = await this.queryAll(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': K.PARTITION, '#sk': K.SORT },
        ExpressionAttributeValues: { ':pk': subscriptionPartition(subscriptionId) },
        ConsistentRead: true,
      },
      step,
    );
    await this.deleteKeys(
      items.filter((item) => item[K.SORT] !== META),
      step,
    );
    await this.call(step, () =>
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: subscriptionKey(subscriptionId) }),
      ),
    );
  }

  // ---- restoration (operations: records rebuilt from backups and manifests) --------------------------------

  /**
   * Writes an event type record rebuilt from its backups, with the same keys and indexes the portal writes.
   * Only when no record exists, unless `replace` (then only over a record that is not being changed: no
   * pending work). Fails (`ok: false`) when the condition does not hold.
   */
  async putRestoredEventType(record: EventTypeRecord, replace = false): Promise<Conditional<void>> {
    const { subscription_ids: ids, ...attributes } = record;
    return this.conditional('Restoring the event type record', async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventTypeItem({
            ...attributes,
            ...(ids.length === 0 ? {} : { subscription_ids: new Set(ids) }),
          }),
          ...(replace
            ? {
                ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#pending)',
                ExpressionAttributeNames: { '#pk': K.PARTITION, '#pending': 'pending_version' },
              }
            : ONLY_IF_ABSENT),
        }),
      );
    });
  }

  /** Writes a version record rebuilt from its backup; only when none exists, unless `replace`. */
  async putRestoredVersion(record: EventVersionRecord, replace = false): Promise<Conditional<void>> {
    return this.conditional('Restoring the event version record', async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: versionItem(record),
          ...(replace ? {} : ONLY_IF_ABSENT),
        }),
      );
    });
  }

  /** Writes a subscription record rebuilt from its manifest; only when none exists, unless `replace`. */
  async putRestoredSubscription(record: SubscriptionRecord, replace = false): Promise<Conditional<void>> {
    return this.conditional('Restoring the subscription record', async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: subscriptionItem(record),
          ...(replace ? {} : ONLY_IF_ABSENT),
        }),
      );
    });
  }

  /** Records which schema registry version holds a version's envelope (after the registry was rebuilt). */
  async setRegistryVersion(eventType: string, version: number, registryVersion: string): Promise<boolean> {
    const result = await this.conditional('Restoring the event version record', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: versionKey(eventType, version),
          UpdateExpression: 'SET #registry = :registry',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#registry': 'registry_version', '#pk': K.PARTITION },
          ExpressionAttributeValues: { ':registry': registryVersion },
        }),
      ),
    );
    return result.ok;
  }

  /** Adds subscriptions to an event type's set, whatever its state. Fails (`ok: false`) when it does not exist. */
  async addSubscriptionIds(eventType: string, ids: readonly string[]): Promise<Conditional<void>> {
    return this.conditional('Restoring the event type record', async () => {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventTypeKey(eventType),
          UpdateExpression: 'ADD #subscriptions :ids',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#subscriptions': 'subscription_ids', '#pk': K.PARTITION },
          ExpressionAttributeValues: { ':ids': new Set(ids) },
        }),
      );
    });
  }
}
