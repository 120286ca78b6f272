/**
 * The pending work of an event version, done by the request that holds its type's lease: the version record
 * written under the owner's fence, then the side effects that make the version live, in their order — the
 * envelope schema registered in the schema registry, its backup written, the producer manifest written (which
 * deploys the producer) — and the version and its type marked complete. Each step is idempotent, written from
 * the stored version record, and preceded by a fence check, so a request that lost the work writes nothing more.
 */
import {
  buildEnvelopeSchema,
  buildProducerManifest,
  ConflictError,
  type EventTypeRequest,
  producerManifestKey,
  type SchemaComparison,
  schemaBackupKey,
  schemaName,
  serializeManifest,
  toDraft04Model,
} from '@bridgeport/core';
import type { ObjectStorage } from '../adapters/object-storage';
import type { SchemaRegistry } from '../adapters/schema-registry';
import type { PortalConfig } from '../config';
import type { EventStore } from '../store/event-store';
import { type EventTypeRecord, type EventVersionRecord, RecordState } from '../store/records';
import { type EventTypeLease, lost } from './event-type-lease';
import { schemaBackupOf } from './schema-backup';
import { step } from './step';

export class VersionProvisioning {
  private readonly store: EventStore;
  private readonly registry: SchemaRegistry;
  private readonly storage: ObjectStorage;
  private readonly config: PortalConfig;
  private readonly lease: EventTypeLease;

  constructor(options: {
    readonly store: EventStore;
    readonly registry: SchemaRegistry;
    readonly storage: ObjectStorage;
    readonly config: PortalConfig;
    readonly lease: EventTypeLease;
  }) {
    this.store = options.store;
    this.registry = options.registry;
    this.storage = options.storage;
    this.config = options.config;
    this.lease = options.lease;
  }

  /**
   * Writes the pending version record under the owner's fence. A record written under a newer fence means
   * the work was lost; a complete record (its side effects all done by an earlier owner that stopped before
   * completing the type) is adopted as it is.
   */
  async writePending(
    type: EventTypeRecord,
    request: EventTypeRequest,
    version: number,
    digest: string,
    compatibility: SchemaComparison | undefined,
    owner: string,
  ): Promise<EventVersionRecord> {
    const put = await this.store.putPendingVersion({
      event_type: type.event_type,
      version,
      application: type.application,
      description: request.description,
      connection_type: type.connection_type,
      ...(type.allowed_principals === undefined ? {} : { allowed_principals: type.allowed_principals }),
      data_schema: request.data,
      envelope_schema: buildEnvelopeSchema(request.data),
      ...(compatibility === undefined ? {} : { compatibility }),
      request_digest: digest,
      owner,
      ...(type.fence === undefined ? {} : { fence: type.fence }),
    });
    if (put.ok) return put.value;
    const existing = await this.store.getVersion(type.event_type, version);
    if (existing !== undefined && existing.state !== RecordState.CREATING) return existing;
    throw lost(type.event_type);
  }

  /**
   * Provisions a version (unless an earlier owner already did) and completes the type, both conditional on
   * `owner`. `after` is the registry version of the previous event version (null for version 1).
   */
  async provisionAndComplete(
    record: EventVersionRecord,
    owner: string,
    digest: string,
    after: string | null | undefined,
  ): Promise<EventTypeRecord> {
    const { event_type: eventType, version } = record;
    if (record.state === RecordState.CREATING) {
      const registryVersion = await this.provision(record, after, () => this.lease.fence(eventType, owner));
      const provisioned = await this.store.completeVersionRecord({
        eventType,
        version,
        owner,
        registryVersion,
      });
      if (!provisioned.ok) throw lost(eventType);
    } else {
      await this.lease.fence(eventType, owner);
    }
    const completed = await this.store.completeVersion({ eventType, version, owner });
    if (!completed.ok) throw lost(eventType);
    if (record.request_digest !== digest) {
      // An earlier request had done every side effect of this version with its own content: the type is whole
      // again, with that content, and this request's was not used.
      throw new ConflictError(
        version === 1
          ? `Event type ${eventType} already exists`
          : `Version ${version} of event type ${eventType} already exists`,
        { context: { event_type: eventType, version } },
      );
    }
    return completed.value;
  }

  /**
   * Registry, backup, manifest — in that order, each only after `fence` passed. `after` is the registry version
   * of the previous event version (null for version 1). Answers the registry version holding the envelope.
   */
  private async provision(
    record: EventVersionRecord,
    after: string | null | undefined,
    fence: () => Promise<void>,
  ): Promise<string> {
    const { event_type: eventType, version } = record;
    const registryContent = toDraft04Model(record.envelope_schema) ?? record.envelope_schema;
    const registryVersion = await step('Registering the schema in the schema registry', () =>
      this.registry.publish(schemaName(eventType), registryContent, record.description, after, fence),
    );
    await fence();
    await step('Writing the schema backup', () =>
      this.storage.putJson(
        this.config.schemasBackupBucket,
        schemaBackupKey(eventType, version),
        `${JSON.stringify(schemaBackupOf(record), null, 2)}\n`,
      ),
    );
    await fence();
    await step('Writing the producer manifest', () =>
      this.storage.putJson(
        this.config.publisherBucket,
        producerManifestKey(eventType, version),
        serializeManifest(this.producerManifest(record)),
      ),
    );
    return registryVersion;
  }

  private producerManifest(record: EventVersionRecord) {
    return buildProducerManifest(
      {
        application: record.application,
        event_type: record.event_type,
        connection_type: record.connection_type,
        data: record.data_schema,
      },
      {
        environment: this.config.environment,
        account: this.config.account,
        region: this.config.region,
        version: record.version,
        ...(record.allowed_principals === undefined
          ? {}
          : { allowed_principals: [...record.allowed_principals] }),
      },
    );
  }
}
