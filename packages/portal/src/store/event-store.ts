/**
 * The portal's DynamoDB table (single-table design) as one store: event types, their versions and
 * subscriptions, each kept by its repository (`event-type-repository.ts`, `version-repository.ts`,
 * `subscription-repository.ts`) over the shared table operations (`table-operations.ts`). Every read is a Get,
 * a BatchGet or a Query (never a Scan); every write that could race is conditional. DynamoDB failures are raised
 * as `DependencyFailureError` naming the step; an item that does not hold what its record needs, as
 * `MalformedItemError`.
 */
import type { DeploymentStatus } from '@bridgeport/core';
import { type EventTypeCreation, EventTypeRepository } from './event-type-repository';
import type {
  EventTypeRecord,
  EventVersionRecord,
  EventVersionSummary,
  RecordState,
  SubscriptionClaim,
  SubscriptionRecord,
} from './records';
import { SubscriptionRepository } from './subscription-repository';
import {
  type Conditional,
  type Page,
  type PageRequest,
  TableOperations,
  type TableOptions,
} from './table-operations';
import { VersionRepository } from './version-repository';

export type EventStoreOptions = TableOptions;

/** The store the portal's services, the local runtime and operations use: one method per record operation. */
export class EventStore {
  readonly tableName: string;
  private readonly eventTypes: EventTypeRepository;
  private readonly versions: VersionRepository;
  private readonly subscriptions: SubscriptionRepository;

  constructor(options: EventStoreOptions) {
    const table = new TableOperations(options);
    this.tableName = table.tableName;
    this.eventTypes = new EventTypeRepository(table);
    this.versions = new VersionRepository(table);
    this.subscriptions = new SubscriptionRepository(table);
  }

  // ---- event types: see EventTypeRepository ----------------------------------------------------------------

  getEventType(eventType: string): Promise<EventTypeRecord | undefined> {
    return this.eventTypes.get(eventType);
  }

  listEventTypes(options: PageRequest & { readonly application?: string }): Promise<Page<EventTypeRecord>> {
    return this.eventTypes.list(options);
  }

  beginEventTypeCreation(
    input: EventTypeCreation,
    previous: EventTypeRecord | undefined,
  ): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.beginCreation(input, previous);
  }

  beginNewVersion(
    input: Parameters<EventTypeRepository['beginNewVersion']>[0],
  ): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.beginNewVersion(input);
  }

  releaseLease(eventType: string, owner: string): Promise<void> {
    return this.eventTypes.releaseLease(eventType, owner);
  }

  updateDescription(
    input: Parameters<EventTypeRepository['updateDescription']>[0],
  ): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.updateDescription(input);
  }

  completeVersion(
    input: Parameters<EventTypeRepository['completeVersion']>[0],
  ): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.completeVersion(input);
  }

  beginEventTypeDeletion(
    eventType: string,
    expectedRevision?: number,
  ): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.beginDeletion(eventType, expectedRevision);
  }

  attachSubscription(eventType: string, subscriptionId: string): Promise<Conditional<EventTypeRecord>> {
    return this.eventTypes.attachSubscription(eventType, subscriptionId);
  }

  detachSubscription(eventType: string, subscriptionId: string): Promise<void> {
    return this.eventTypes.detachSubscription(eventType, subscriptionId);
  }

  deleteEventTypeRecords(eventType: string): Promise<void> {
    return this.eventTypes.deleteRecords(eventType);
  }

  putRestoredEventType(record: EventTypeRecord, replace = false): Promise<Conditional<void>> {
    return this.eventTypes.putRestored(record, replace);
  }

  addSubscriptionIds(eventType: string, ids: readonly string[]): Promise<Conditional<void>> {
    return this.eventTypes.addSubscriptionIds(eventType, ids);
  }

  // ---- versions: see VersionRepository ---------------------------------------------------------------------

  putPendingVersion(
    input: Parameters<VersionRepository['putPending']>[0],
  ): Promise<Conditional<EventVersionRecord>> {
    return this.versions.putPending(input);
  }

  getVersion(eventType: string, version: number): Promise<EventVersionRecord | undefined> {
    return this.versions.get(eventType, version);
  }

  listVersions(eventType: string): Promise<EventVersionSummary[]> {
    return this.versions.list(eventType);
  }

  completeVersionRecord(input: Parameters<VersionRepository['complete']>[0]): Promise<Conditional<void>> {
    return this.versions.complete(input);
  }

  setProducerStatus(
    eventType: string,
    version: number,
    status: DeploymentStatus,
    reason?: string,
    eventAt?: string,
  ): Promise<boolean> {
    return this.versions.setProducerStatus(eventType, version, status, reason, eventAt);
  }

  putRestoredVersion(record: EventVersionRecord, replace = false): Promise<Conditional<void>> {
    return this.versions.putRestored(record, replace);
  }

  setRegistryVersion(eventType: string, version: number, registryVersion: string): Promise<boolean> {
    return this.versions.setRegistryVersion(eventType, version, registryVersion);
  }

  // ---- subscriptions: see SubscriptionRepository -----------------------------------------------------------

  putPendingSubscription(
    input: Parameters<SubscriptionRepository['putPending']>[0],
  ): Promise<SubscriptionRecord> {
    return this.subscriptions.putPending(input);
  }

  claimSubscription(claim: SubscriptionClaim, id: string, replacing?: string): Promise<string> {
    return this.subscriptions.claim(claim, id, replacing);
  }

  releaseSubscriptionClaim(claim: SubscriptionClaim, id: string): Promise<void> {
    return this.subscriptions.releaseClaim(claim, id);
  }

  getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    return this.subscriptions.get(id);
  }

  getSubscriptions(ids: readonly string[]): Promise<SubscriptionRecord[]> {
    return this.subscriptions.getMany(ids);
  }

  listSubscriptions(
    options: PageRequest & { readonly eventType?: string; readonly version?: number },
  ): Promise<Page<SubscriptionRecord>> {
    return this.subscriptions.list(options);
  }

  setSubscriptionState(id: string, state: RecordState, status?: DeploymentStatus): Promise<void> {
    return this.subscriptions.setState(id, state, status);
  }

  activateSubscription(id: string): Promise<boolean> {
    return this.subscriptions.activate(id);
  }

  setSubscriptionStatus(
    subscriptionId: string,
    status: DeploymentStatus,
    reason?: string,
    eventAt?: string,
  ): Promise<boolean> {
    return this.subscriptions.setStatus(subscriptionId, status, reason, eventAt);
  }

  deleteSubscriptionRecords(subscriptionId: string): Promise<void> {
    return this.subscriptions.deleteRecords(subscriptionId);
  }

  putRestoredSubscription(record: SubscriptionRecord, replace = false): Promise<Conditional<void>> {
    return this.subscriptions.putRestored(record, replace);
  }
}
