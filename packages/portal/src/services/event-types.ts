/**
 * The `/events` service: creating, changing, reading and deleting event types and their versions. The lease a
 * request holds on a type's pending work is in `event-type-lease.ts`, the version's pending work (record,
 * registry, backup, manifest) in `version-provisioning.ts`, and the response shapes in `event-type-views.ts`;
 * If-Match is read at the HTTP edge (`http/etag.ts`) into a `RevisionPrecondition`.
 */
import { randomUUID } from 'node:crypto';
import {
  APPLICATION_PATTERN,
  ConflictError,
  compareSchemas,
  DependencyFailureError,
  type EventTypeRequest,
  type JsonSchema,
  NotFoundError,
  PreconditionFailedError,
  ProducerType,
  producerManifestKey,
  schemaName,
  ValidationError,
  validateEventTypeRequest,
  validateEventTypeUpdate,
} from '@bridgeport/core';
import type { ObjectStorage } from '../adapters/object-storage';
import type { SchemaRegistry } from '../adapters/schema-registry';
import type { PortalConfig } from '../config';
import type { EventStore } from '../store/event-store';
import { type EventTypeRecord, type EventVersionRecord, RecordState } from '../store/records';
import { type Caller, requireTeam } from './caller';
import { canonicalJson, requestDigest } from './canonical';
import { busy, DEFAULT_LEASE_SECONDS, EventTypeLease } from './event-type-lease';
import {
  type EventTypeListItem,
  type EventTypeView,
  type EventVersionView,
  eventTypeView,
  listItem,
  type Revisioned,
  type UpdateResult,
  versionView,
} from './event-type-views';
import { decodePageToken, encodePageToken, type ListQuery } from './pagination';
import type { ProducerKeyService } from './producer-keys';
import { step } from './step';
import { VersionProvisioning } from './version-provisioning';

export interface EventTypeServiceOptions {
  readonly store: EventStore;
  readonly registry: SchemaRegistry;
  readonly storage: ObjectStorage;
  readonly config: PortalConfig;
  /** Issues HTTP event types' producer keys at creation and removes them at deletion. @default none */
  readonly producerKeys?: ProducerKeyService;
  /**
   * How long a request holds the pending work of a type it creates or changes; no other request takes that
   * work over before, unless the holder gives it up by failing. Must exceed the function's timeout.
   * @default DEFAULT_LEASE_SECONDS
   */
  readonly leaseSeconds?: number;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * A caller's condition on the revision it read (HTTP's `If-Match`, read at the edge): `check` throws
 * `PreconditionFailedError` unless the current revision satisfies it.
 */
export interface RevisionPrecondition {
  check(revision: number): void;
}

/**
 * Event types and their versions. Creating a type or a version writes the records first in state CREATING,
 * then registers the envelope schema, backs it up and writes the producer manifest, and only then marks the
 * records complete. Each step is idempotent: when one fails, the same request repeated completes the work.
 *
 * One request at a time does the pending work of a type: it takes the work with a conditional write that
 * leaves its token (`owner`) and a lease on the type record, and others are answered 409 until it completes,
 * fails (which gives the lease up) or its lease runs out. Each side effect is preceded by a check that the
 * request still owns the work, is written from the stored version record, and the final transitions are
 * conditional on the owner, so a request that lost the work writes nothing more.
 */
export class EventTypeService {
  private readonly store: EventStore;
  private readonly registry: SchemaRegistry;
  private readonly storage: ObjectStorage;
  private readonly config: PortalConfig;
  private readonly producerKeys: ProducerKeyService | undefined;
  private readonly lease: EventTypeLease;
  private readonly provisioning: VersionProvisioning;

  constructor(options: EventTypeServiceOptions) {
    this.store = options.store;
    this.registry = options.registry;
    this.storage = options.storage;
    this.config = options.config;
    this.producerKeys = options.producerKeys;
    this.lease = new EventTypeLease({
      store: options.store,
      leaseSeconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      now: options.now ?? (() => new Date()),
    });
    this.provisioning = new VersionProvisioning({ ...options, lease: this.lease });
  }

  /** `POST /events`: the type and its version 1. */
  async create(input: unknown, caller: Caller): Promise<Revisioned<EventTypeView>> {
    const validated = validateEventTypeRequest(input);
    if (!validated.ok) throw new ValidationError('The event type is not valid', validated.errors);
    const request = validated.value;
    requireTeam(caller, request.application, `create event types of application ${request.application}`);
    const eventType = request.event_type;
    const digest = requestDigest(request);
    const owner = randomUUID();
    const existing = await this.store.getEventType(eventType);
    if (existing !== undefined) this.refuseCreation(existing);
    const begun = await this.store.beginEventTypeCreation(
      {
        event_type: eventType,
        application: request.application,
        description: request.description,
        connection_type: request.connection_type,
        ...(request.allowed_principals === undefined
          ? {}
          : { allowed_principals: [...request.allowed_principals] }),
        ...(request.rate_limit_per_second === undefined
          ? {}
          : { rate_limit_per_second: request.rate_limit_per_second }),
        digest,
        owner,
        leaseUntil: this.lease.until(),
      },
      existing,
    );
    if (!begun.ok) {
      const now = await this.store.getEventType(eventType);
      if (now !== undefined) this.refuseCreation(now);
      throw busy(eventType);
    }
    const completed = await this.lease.whileOwning(eventType, owner, async () => {
      const version = await this.provisioning.writePending(begun.value, request, 1, digest, undefined, owner);
      if (request.connection_type === ProducerType.HTTPS && this.producerKeys !== undefined) {
        // Before the manifest: the key exists (and is in its usage plan) when the route goes live.
        await this.lease.fence(eventType, owner);
        await this.producerKeys.issue(eventType, begun.value.rate_limit_per_second);
      }
      return this.provisioning.provisionAndComplete(version, owner, digest, null);
    });
    return this.view(completed);
  }

  /** Refuses to create over an existing type: 409 unless it is an earlier creation nobody holds any more. */
  private refuseCreation(existing: EventTypeRecord): void {
    if (existing.state !== RecordState.CREATING) {
      throw new ConflictError(
        existing.state === RecordState.DELETING
          ? `Event type ${existing.event_type} is being deleted`
          : `Event type ${existing.event_type} already exists`,
        { context: { event_type: existing.event_type } },
      );
    }
    if (this.lease.isHeld(existing)) throw busy(existing.event_type);
  }

  /** `GET /events`. */
  async list(query: ListQuery & { readonly application?: string }): Promise<{
    items: EventTypeListItem[];
    next_token?: string;
  }> {
    if (query.application !== undefined && !APPLICATION_PATTERN.test(query.application)) {
      throw new ValidationError('The query parameters are not valid', [
        { path: 'query.application', message: `must match ${APPLICATION_PATTERN.source}` },
      ]);
    }
    const page = await this.store.listEventTypes({
      limit: query.limit,
      startKey: decodePageToken(query.next_token),
      application: query.application,
    });
    const items = page.items.map(listItem);
    return page.nextKey === undefined ? { items } : { items, next_token: encodePageToken(page.nextKey) };
  }

  /** `GET /events/{event_type}`. */
  async get(eventType: string): Promise<Revisioned<EventTypeView>> {
    return this.view(await this.requireType(eventType));
  }

  /** `GET /events/{event_type}/versions/{version}`. */
  async getVersion(eventType: string, version: number): Promise<EventVersionView> {
    const type = await this.requireType(eventType);
    const record = await this.store.getVersion(eventType, version);
    if (record === undefined || record.state === RecordState.CREATING) {
      throw new NotFoundError(`Version ${version} of event type ${eventType} does not exist`, {
        context: { event_type: eventType, version },
      });
    }
    return versionView(record, type);
  }

  /**
   * `PUT /events/{event_type}`: a new description and/or a new data schema (a new version n+1 with a
   * compatibility report). `precondition` is the client's condition on the revision it read, if any.
   */
  async update(
    eventType: string,
    input: unknown,
    precondition: RevisionPrecondition | undefined,
    caller: Caller,
  ): Promise<Revisioned<UpdateResult>> {
    await this.requireOwner(eventType, caller, `change event type ${eventType}`);
    const validated = validateEventTypeUpdate(input);
    if (!validated.ok) throw new ValidationError('The event type update is not valid', validated.errors);
    const update = validated.value;
    const type = await this.requireType(eventType);
    if (type.state === RecordState.DELETING) throw deleting(eventType);
    const latest = await this.requireVersion(eventType, type.latest_version);
    const newData =
      update.data !== undefined && canonicalJson(update.data) !== canonicalJson(latest.data_schema);
    const digest = requestDigest({ event_type: eventType, update, base: type.latest_version });
    const version = type.latest_version + 1;
    const resuming = newData && type.pending_version === version && type.pending_digest === digest;
    if (!resuming) precondition?.check(type.revision);
    if (newData && this.lease.isHeld(type)) throw busy(eventType);

    if (!newData) {
      if (update.description === undefined || update.description === type.description) {
        return { value: { event_type: (await this.view(type)).value }, revision: type.revision };
      }
      const changed = await this.store.updateDescription({
        eventType,
        expectedRevision: type.revision,
        description: update.description,
      });
      if (!changed.ok) throw this.raced(eventType, precondition);
      const view = await this.view(changed.value);
      return { value: { event_type: view.value }, revision: view.revision };
    }

    const data = update.data as JsonSchema;
    const compatibility = compareSchemas(latest.data_schema, data, { root: '$.data' });
    const owner = randomUUID();
    const begun = await this.store.beginNewVersion({
      previous: type,
      version,
      digest,
      owner,
      leaseUntil: this.lease.until(),
      resuming,
      description: update.description,
    });
    if (!begun.ok) {
      const now = await this.store.getEventType(eventType);
      if (now === undefined || now.state === RecordState.CREATING) throw notFound(eventType);
      if (now.state === RecordState.DELETING) throw deleting(eventType);
      if (precondition === undefined && this.lease.isHeld(now)) throw busy(eventType);
      throw this.raced(eventType, precondition);
    }
    const current = begun.value;
    const request: EventTypeRequest = {
      application: current.application,
      event_type: eventType,
      description: current.description,
      connection_type: current.connection_type,
      data,
    };
    const completed = await this.lease.whileOwning(eventType, owner, async () => {
      const record = await this.provisioning.writePending(
        current,
        request,
        version,
        digest,
        compatibility,
        owner,
      );
      return this.provisioning.provisionAndComplete(record, owner, digest, latest.registry_version);
    });
    const view = await this.view(completed);
    return { value: { event_type: view.value, compatibility }, revision: view.revision };
  }

  /**
   * `DELETE /events/{event_type}`: refused (409, listing them) while subscriptions exist; otherwise removes
   * the producer manifests (tearing the producer stacks down), the registry schema and the records.
   * Schema backups are kept.
   */
  async delete(
    eventType: string,
    precondition: RevisionPrecondition | undefined,
    caller: Caller,
  ): Promise<void> {
    const type = await this.store.getEventType(eventType);
    if (type === undefined) throw notFound(eventType);
    requireTeam(caller, type.application, `delete event type ${eventType}`);
    if (type.state !== RecordState.DELETING) precondition?.check(type.revision);
    await this.refuseWhileSubscribed(type);
    if (this.lease.isHeld(type)) throw busy(eventType);
    const expected =
      precondition !== undefined && type.state !== RecordState.DELETING ? type.revision : undefined;
    const begun = await this.store.beginEventTypeDeletion(eventType, expected);
    if (!begun.ok) {
      const now = await this.store.getEventType(eventType);
      if (now === undefined) throw notFound(eventType);
      await this.refuseWhileSubscribed(now);
      if (precondition === undefined && this.lease.isHeld(now)) throw busy(eventType);
      throw this.raced(eventType, precondition);
    }
    const versions = await this.store.listVersions(eventType);
    const numbers = new Set(versions.map((version) => version.version));
    if (begun.value.pending_version !== undefined) numbers.add(begun.value.pending_version);
    for (const version of [...numbers].sort((a, b) => a - b)) {
      await this.store.setProducerStatus(eventType, version, 'DELETING');
      await step('Removing the producer manifests', () =>
        this.storage.delete(this.config.publisherBucket, producerManifestKey(eventType, version)),
      );
    }
    await step('Removing the schema from the schema registry', () =>
      this.registry.deleteSchema(schemaName(eventType)),
    );
    if (type.connection_type === ProducerType.HTTPS) await this.producerKeys?.remove(eventType);
    await this.store.deleteEventTypeRecords(eventType);
  }

  private async refuseWhileSubscribed(type: EventTypeRecord): Promise<void> {
    if (type.subscription_ids.length === 0) return;
    const subscriptions = await this.store.getSubscriptions(type.subscription_ids);
    throw new ConflictError(
      `Event type ${type.event_type} has ${type.subscription_ids.length} subscription(s); delete them first`,
      {
        context: {
          event_type: type.event_type,
          subscriptions: type.subscription_ids.map((id) => {
            const found = subscriptions.find((subscription) => subscription.id === id);
            return found === undefined
              ? { id }
              : { id, version: found.version, connection_type: found.connection_type, status: found.status };
          }),
        },
      },
    );
  }

  private raced(eventType: string, precondition: RevisionPrecondition | undefined): Error {
    if (precondition !== undefined) {
      return new PreconditionFailedError(`Event type ${eventType} has changed since it was read`);
    }
    return new ConflictError(`Event type ${eventType} was changed by another request; read it and retry`, {
      context: { event_type: eventType },
    });
  }

  /** The type, once the caller is known to act for its owning team (404 first, then 403 naming the team). */
  async requireOwner(eventType: string, caller: Caller, action: string): Promise<EventTypeRecord> {
    const type = await this.requireType(eventType);
    requireTeam(caller, type.application, action);
    return type;
  }

  /**
   * The type whose producer key the caller reads or rotates: 404, then 403 naming the owning team, then 409 when
   * the type is being deleted or has no API key (an SQS producer's principals send to its ingress queue).
   */
  async requireKeyedType(eventType: string, caller: Caller, action: string): Promise<EventTypeRecord> {
    const type = await this.requireOwner(eventType, caller, `${action} of event type ${eventType}`);
    if (type.state === RecordState.DELETING) throw deleting(eventType);
    if (type.connection_type !== ProducerType.HTTPS) {
      throw new ConflictError(
        `Event type ${eventType} has an ${type.connection_type} producer: it has no API key (its allowed principals send to the ingress queue)`,
        { context: { event_type: eventType } },
      );
    }
    return type;
  }

  private async requireType(eventType: string): Promise<EventTypeRecord> {
    const type = await this.store.getEventType(eventType);
    if (type === undefined || type.state === RecordState.CREATING) throw notFound(eventType);
    return type;
  }

  private async requireVersion(eventType: string, version: number): Promise<EventVersionRecord> {
    const record = await this.store.getVersion(eventType, version);
    if (record === undefined) {
      throw new DependencyFailureError(
        'Reading the event version',
        new Error(`${eventType} v${version} missing`),
      );
    }
    return record;
  }

  private async view(type: EventTypeRecord): Promise<Revisioned<EventTypeView>> {
    return eventTypeView(type, await this.store.listVersions(type.event_type));
  }
}

function deleting(eventType: string): ConflictError {
  return new ConflictError(`Event type ${eventType} is being deleted`, {
    context: { event_type: eventType },
  });
}

function notFound(eventType: string): NotFoundError {
  return new NotFoundError(`Event type ${eventType} does not exist`, { context: { event_type: eventType } });
}
