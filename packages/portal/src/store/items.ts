/**
 * How each record is laid out as an item of the events table (single-table design), both ways: the keys and
 * index attributes every write of a record carries, schemas and filters kept as JSON text, and the decoders
 * that turn an item read back into a record, checking every field the portal relies on (`ItemFields`).
 */
import {
  ConsumerType,
  DeploymentStatus,
  EVENTS_TABLE_META,
  EventsTableKey,
  eventTypeKey,
  ProducerType,
  type RetryPolicy,
  subscriptionKey,
  versionKey,
  versionSortKey,
} from '@bridgeport/core';
import { type Item, ItemFields } from './item-fields';
import {
  type EventTypeRecord,
  type EventVersionRecord,
  type EventVersionSummary,
  RecordState,
  type SubscriptionClaim,
  type SubscriptionRecord,
} from './records';

const K = EventsTableKey;

/** Sort key of the one record of an event type, a subscription or a claim. */
export const META = EVENTS_TABLE_META;
/** List index partition of every event type. */
export const LIST_EVENT_TYPES = 'EVENT_TYPES';
/** List index partition of every subscription. */
export const LIST_SUBSCRIPTIONS = 'SUBSCRIPTIONS';

/** Lookup index partition of the event types of one application. */
export const applicationPartition = (application: string) => `APPLICATION#${application}`;
/** Lookup index partition of the subscriptions of one event type. */
export const subscriptionsOfTypePartition = (eventType: string) => `SUBSCRIBED_TO#${eventType}`;

/** Key of the claim a `POST /subscriptions` request holds while its subscription is being created. */
export const subscriptionClaimKey = (claim: SubscriptionClaim) => ({
  [K.PARTITION]: `SUBSCRIPTION_REQUEST#${claim.eventType}#${claim.version}#${claim.digest}`,
  [K.SORT]: META,
});

const KEY_ATTRIBUTES: readonly string[] = [
  K.PARTITION,
  K.SORT,
  K.LIST_PARTITION,
  K.LIST_SORT,
  K.LOOKUP_PARTITION,
  K.LOOKUP_SORT,
];

/** The attributes of an item that are the record's own: without the keys, `entity` and the time to live. */
function stripKeys(item: Item): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.includes(name) && name !== 'entity' && name !== K.TIME_TO_LIVE) copy[name] = value;
  }
  return copy;
}

/** An item whose `expires_at` has passed: DynamoDB's TTL may not have removed it yet, but it is gone. */
export function isExpired(item: Item | undefined, nowSeconds: number): boolean {
  const expiresAt = item?.[K.TIME_TO_LIVE];
  return typeof expiresAt === 'number' && expiresAt < nowSeconds;
}

/** Schemas are kept as JSON text: a DynamoDB map cannot hold every property name (`__proto__`, `constructor`). */
const SCHEMA_TEXT = { data_schema: 'data_schema_json', envelope_schema: 'envelope_schema_json' } as const;
/** A subscription's filter is kept as JSON text too (its keys are the schema's property names). */
const FILTER_TEXT = 'filter_json';

// ---- records to items ---------------------------------------------------------------------------------------

/** The item of an event type record, with the keys and list indexes every write of one carries. */
export function eventTypeItem(
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
export function versionItem(record: EventVersionRecord): Item {
  const { data_schema, envelope_schema, ...rest } = record;
  return {
    ...versionKey(record.event_type, record.version),
    entity: 'EVENT_VERSION',
    ...rest,
    [SCHEMA_TEXT.data_schema]: JSON.stringify(data_schema),
    [SCHEMA_TEXT.envelope_schema]: JSON.stringify(envelope_schema),
  };
}

/** The item of a subscription record: its keys, list indexes, filter as JSON text. */
export function subscriptionItem(record: SubscriptionRecord): Item {
  const { filter, ...rest } = record;
  return {
    ...subscriptionKey(record.id),
    entity: 'SUBSCRIPTION',
    [K.LIST_PARTITION]: LIST_SUBSCRIPTIONS,
    [K.LIST_SORT]: record.id,
    [K.LOOKUP_PARTITION]: subscriptionsOfTypePartition(record.event_type),
    [K.LOOKUP_SORT]: `${versionSortKey(record.version)}#${record.id}`,
    ...rest,
    ...(filter === undefined ? {} : { [FILTER_TEXT]: JSON.stringify(filter) }),
  };
}

// ---- items to records ---------------------------------------------------------------------------------------
// Each decoder keeps the item's own attributes in their order and checks (and sets) every field of the record
// over them, so a record reads exactly as it was stored, or not at all.

/** The event type record of an item; `MalformedItemError` when a field is missing or of the wrong type. */
export function decodeEventType(item: Item): EventTypeRecord {
  const read = new ItemFields(item);
  const { subscription_ids: _set, ...rest } = stripKeys(item);
  const allowedPrincipals = read.optionalStringList('allowed_principals');
  const rateLimit = read.optionalNumber('rate_limit_per_second');
  const pendingVersion = read.optionalNumber('pending_version');
  const pendingDigest = read.optionalString('pending_digest');
  const owner = read.optionalString('owner');
  const leaseUntil = read.optionalString('lease_until');
  const fence = read.optionalNumber('fence');
  return {
    ...rest,
    event_type: read.string('event_type'),
    application: read.string('application'),
    description: read.string('description'),
    connection_type: read.oneOf('connection_type', ProducerType),
    ...(allowedPrincipals === undefined ? {} : { allowed_principals: allowedPrincipals }),
    ...(rateLimit === undefined ? {} : { rate_limit_per_second: rateLimit }),
    latest_version: read.number('latest_version'),
    ...(pendingVersion === undefined ? {} : { pending_version: pendingVersion }),
    ...(pendingDigest === undefined ? {} : { pending_digest: pendingDigest }),
    ...(owner === undefined ? {} : { owner }),
    ...(leaseUntil === undefined ? {} : { lease_until: leaseUntil }),
    ...(fence === undefined ? {} : { fence }),
    revision: read.number('revision'),
    state: read.oneOf('state', RecordState),
    created_at: read.string('created_at'),
    updated_at: read.string('updated_at'),
    subscription_ids: read.stringSet('subscription_ids'),
  };
}

/**
 * The version record of an item; records written before schemas were kept as text hold them as maps.
 * `MalformedItemError` when a field is missing or of the wrong type.
 */
export function decodeVersion(item: Item): EventVersionRecord {
  const read = new ItemFields(item);
  const {
    [SCHEMA_TEXT.data_schema]: _dataText,
    [SCHEMA_TEXT.envelope_schema]: _envelopeText,
    ...rest
  } = stripKeys(item);
  const allowedPrincipals = read.optionalStringList('allowed_principals');
  const compatibility = read.optionalSchemaComparison('compatibility');
  const statusReason = read.optionalString('status_reason');
  const fence = read.optionalNumber('fence');
  const owner = read.optionalString('owner');
  const registryVersion = read.optionalString('registry_version');
  return {
    ...rest,
    event_type: read.string('event_type'),
    version: read.number('version'),
    application: read.string('application'),
    description: read.string('description'),
    connection_type: read.oneOf('connection_type', ProducerType),
    ...(allowedPrincipals === undefined ? {} : { allowed_principals: allowedPrincipals }),
    ...(compatibility === undefined ? {} : { compatibility }),
    state: read.oneOf('state', RecordState),
    status: read.oneOf('status', DeploymentStatus),
    ...(statusReason === undefined ? {} : { status_reason: statusReason }),
    status_updated_at: read.string('status_updated_at'),
    created_at: read.string('created_at'),
    request_digest: read.string('request_digest'),
    ...(fence === undefined ? {} : { fence }),
    ...(owner === undefined ? {} : { owner }),
    ...(registryVersion === undefined ? {} : { registry_version: registryVersion }),
    data_schema: read.has(SCHEMA_TEXT.data_schema)
      ? read.jsonObject(SCHEMA_TEXT.data_schema)
      : read.object('data_schema'),
    envelope_schema: read.has(SCHEMA_TEXT.envelope_schema)
      ? read.jsonObject(SCHEMA_TEXT.envelope_schema)
      : read.object('envelope_schema'),
  };
}

/** The summary of a version from an item projected on its key and the summary's attributes. */
export function decodeVersionSummary(item: Item): EventVersionSummary {
  const read = new ItemFields(item);
  const statusReason = read.optionalString('status_reason');
  return {
    version: read.number('version'),
    state: read.oneOf('state', RecordState),
    status: read.oneOf('status', DeploymentStatus),
    ...(statusReason === undefined ? {} : { status_reason: statusReason }),
    created_at: read.string('created_at'),
  };
}

/** The subscription record of an item; `MalformedItemError` when a field is missing or of the wrong type. */
export function decodeSubscription(item: Item): SubscriptionRecord {
  const read = new ItemFields(item);
  const { [FILTER_TEXT]: _filterText, ...rest } = stripKeys(item);
  const team = read.optionalString('team');
  const targetUnit = read.optionalString('target_unit');
  const secretName = read.optionalString('secret_name');
  const rateLimit = read.optionalNumber('rate_limit_per_second');
  const statusReason = read.optionalString('status_reason');
  // Records written before filters were kept as text hold them as maps.
  const filter = read.has(FILTER_TEXT) ? read.jsonObject(FILTER_TEXT) : read.optionalObject('filter');
  const retryPolicy: RetryPolicy = {
    ...read.object('retry_policy'),
    maximum_event_age_seconds: read.memberNumber('retry_policy', 'maximum_event_age_seconds'),
    maximum_retry_attempts: read.memberNumber('retry_policy', 'maximum_retry_attempts'),
  };
  return {
    ...rest,
    id: read.string('id'),
    event_type: read.string('event_type'),
    version: read.number('version'),
    application: read.string('application'),
    ...(team === undefined ? {} : { team }),
    ...(targetUnit === undefined ? {} : { target_unit: targetUnit }),
    connection_type: read.oneOf('connection_type', ConsumerType),
    connection_string: read.string('connection_string'),
    retry_policy: retryPolicy,
    ...(secretName === undefined ? {} : { secret_name: secretName }),
    ...(rateLimit === undefined ? {} : { rate_limit_per_second: rateLimit }),
    state: read.oneOf('state', RecordState),
    status: read.oneOf('status', DeploymentStatus),
    ...(statusReason === undefined ? {} : { status_reason: statusReason }),
    created_at: read.string('created_at'),
    updated_at: read.string('updated_at'),
    request_digest: read.string('request_digest'),
    ...(filter === undefined ? {} : { filter }),
  };
}
