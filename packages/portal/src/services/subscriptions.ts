/**
 * The `/subscriptions` service: creating (with the claim that lets a repeated request complete the same
 * subscription), reading, listing and deleting subscriptions, and their dead letters and replays through their
 * own services. What a caller sees of a subscription is in `subscription-views.ts`.
 */
import {
  APPLICATION_PATTERN,
  buildConsumerManifest,
  ConflictError,
  consumerEventPattern,
  consumerManifestKey,
  consumerSecretProblem,
  consumerTargetProblem,
  EVENT_TYPE_PATTERN,
  NotFoundError,
  newSubscriptionId,
  SUBSCRIPTION_ID_PATTERN,
  type SubscriptionRequest,
  serializeManifest,
  ValidationError,
  type ValidationProblem,
  validateSubscriptionRequest,
} from '@bridgeport/core';
import { check } from '@bridgeport/event-patterns';
import type { ObjectStorage } from '../adapters/object-storage';
import type { PortalConfig } from '../config';
import type { EventStore } from '../store/event-store';
import { RecordState, type SubscriptionClaim, type SubscriptionRecord } from '../store/records';
import { ADMIN_GROUP, type Caller, requireTeam } from './caller';
import { requestDigest } from './canonical';
import type { DeadLetterList, DeadLetterService, RedriveResult } from './dead-letters';
import { checkSubscriptionFilter } from './filter';
import { decodePageToken, encodePageToken, type ListQuery } from './pagination';
import type { ReplayService, ReplayView } from './replays';
import { step } from './step';
import { type ListPage, type SubscriptionView, subscriptionView, teamOf } from './subscription-views';

export interface SubscriptionServiceOptions {
  readonly store: EventStore;
  readonly storage: ObjectStorage;
  readonly config: PortalConfig;
  readonly deadLetters: DeadLetterService;
  readonly replays: ReplayService;
}

/**
 * Subscriptions to an event type version. Creating one writes the record first (state CREATING), attaches it
 * to its event type, then writes the consumer manifest and marks the record complete; repeating a request
 * that failed half-way resumes the same subscription instead of making a second one.
 */
export class SubscriptionService {
  private readonly store: EventStore;
  private readonly storage: ObjectStorage;
  private readonly config: PortalConfig;
  private readonly deadLetterService: DeadLetterService;
  private readonly replayService: ReplayService;

  constructor(options: SubscriptionServiceOptions) {
    this.store = options.store;
    this.storage = options.storage;
    this.config = options.config;
    this.deadLetterService = options.deadLetters;
    this.replayService = options.replays;
  }

  /**
   * `POST /subscriptions`: any authenticated team may subscribe. The subscription belongs to `team` (a field of
   * the body, not part of the consumer), by default the caller's only team; a platform admin without a team
   * makes subscriptions owned by the admins.
   */
  async create(input: unknown, caller: Caller): Promise<SubscriptionView> {
    const { team, consumerRequest } = owningTeam(input, caller);
    const connectionOptions = {
      allowLoopbackTargets: this.config.allowLoopbackHttpConsumers,
      region: this.config.region,
      reservedLoopbackPorts: this.config.reservedTargetPorts ?? [],
    };
    const validated = validateSubscriptionRequest(consumerRequest, connectionOptions);
    if (!validated.ok) throw new ValidationError('The subscription is not valid', validated.errors);
    const request = validated.value;
    const { event_type: eventType, version } = request;
    const targetProblem = consumerTargetProblem(
      request.connection_type,
      request.connection_string,
      this.config.account,
      this.config.allowedConsumerTargets,
    );
    if (targetProblem !== undefined) {
      throw new ValidationError('The subscription is not valid', [
        { path: '$.connection_string', message: targetProblem },
      ]);
    }

    const type = await this.store.getEventType(eventType);
    if (type === undefined || type.state === RecordState.CREATING) throw eventTypeNotFound(eventType);
    if (type.state === RecordState.DELETING) throw eventTypeDeleting(eventType);
    const versionRecord = await this.store.getVersion(eventType, version);
    if (versionRecord === undefined || versionRecord.state === RecordState.CREATING) {
      throw new NotFoundError(`Version ${version} of event type ${eventType} does not exist`, {
        context: { event_type: eventType, version },
      });
    }
    if (request.filter !== undefined) {
      const problems = checkSubscriptionFilter(request.filter, versionRecord.data_schema, {
        eventType,
        version,
      });
      if (problems.length > 0) throw new ValidationError('The subscription filter is not valid', problems);
    }

    // The team is part of the request's identity: another team's identical request is another subscription.
    // The secret is not: a request refused for its secret_name keeps its id, so that the subscriber can create
    // the secret named after it and send the request again.
    const { secret_name: _secret, ...identity } = request;
    const digest = requestDigest({ ...identity, team });
    const claim = { eventType, version, digest };
    const { id, pending } = await this.claim(claim);
    const secretProblem = consumerSecretProblem(this.config.environment, id, request.secret_name);
    if (secretProblem !== undefined) {
      throw new ValidationError('The subscription is not valid', [
        { path: '$.secret_name', message: secretProblem },
      ]);
    }
    const manifest = this.manifest(request, id, type.application);
    const ruleProblem = check(consumerEventPattern(manifest));
    if (ruleProblem !== undefined) {
      throw new ValidationError('The subscription filter is not valid', [
        { path: '$.filter', message: `makes an invalid rule pattern: ${ruleProblem}` },
      ]);
    }
    const { consumer } = manifest;
    const record =
      pending ??
      (await this.store.putPendingSubscription({
        id,
        event_type: eventType,
        version,
        application: type.application,
        team,
        ...(request.target_unit === undefined ? {} : { target_unit: request.target_unit }),
        connection_type: request.connection_type,
        connection_string: request.connection_string,
        ...(request.filter === undefined ? {} : { filter: request.filter }),
        retry_policy: manifest.retry_policy,
        ...(consumer.secret_name === undefined ? {} : { secret_name: consumer.secret_name }),
        ...(consumer.rate_limit_per_second === undefined
          ? {}
          : { rate_limit_per_second: consumer.rate_limit_per_second }),
        request_digest: digest,
      }));

    const attached = await this.store.attachSubscription(eventType, record.id);
    if (!attached.ok) {
      await this.store.deleteSubscriptionRecords(record.id);
      const now = await this.store.getEventType(eventType);
      throw now === undefined ? eventTypeNotFound(eventType) : eventTypeDeleting(eventType);
    }

    // The manifest is written from the stored record, and only while the record is still being created; if
    // the subscription was deleted meanwhile, the manifest written here is taken away again.
    const stored = await this.store.getSubscription(record.id);
    if (stored === undefined || stored.state === RecordState.DELETING) throw deletedMeanwhile(record.id);
    const key = consumerManifestKey(eventType, version, record.id);
    await step('Writing the consumer manifest', () =>
      this.storage.putJson(
        this.config.subscriberBucket,
        key,
        serializeManifest(this.manifest(requestOf(stored), stored.id, stored.application)),
      ),
    );
    if (!(await this.store.activateSubscription(record.id))) {
      await step('Removing the consumer manifest', () =>
        this.storage.delete(this.config.subscriberBucket, key),
      );
      throw deletedMeanwhile(record.id);
    }
    await this.store.releaseSubscriptionClaim(claim, record.id);
    return subscriptionView({ ...stored, state: RecordState.READY }, caller);
  }

  /**
   * The id this request works on: a new one, or the one an identical request claimed while its subscription
   * is still being created (so that a repeated or concurrent identical request completes the same
   * subscription instead of making a second one). A claim whose subscription completed or is being deleted
   * is replaced by a new id.
   */
  private async claim(
    claim: SubscriptionClaim,
  ): Promise<{ readonly id: string; readonly pending?: SubscriptionRecord }> {
    const fresh = newSubscriptionId();
    const claimed = await this.store.claimSubscription(claim, fresh);
    if (claimed === fresh) return { id: fresh };
    const existing = await this.store.getSubscription(claimed);
    if (existing === undefined) return { id: claimed };
    if (existing.state === RecordState.CREATING) return { id: claimed, pending: existing };
    const replaced = await this.store.claimSubscription(claim, fresh, claimed);
    return replaced === fresh ? { id: fresh } : this.claim(claim);
  }

  private manifest(request: SubscriptionRequest, id: string, application: string) {
    return buildConsumerManifest(
      request,
      {
        environment: this.config.environment,
        account: this.config.account,
        region: this.config.region,
        subscription_id: id,
        application,
        ...(request.secret_name === undefined ? {} : { secret_name: request.secret_name }),
        ...(request.rate_limit_per_second === undefined
          ? {}
          : { rate_limit_per_second: request.rate_limit_per_second }),
      },
      {
        allowLoopbackTargets: this.config.allowLoopbackHttpConsumers,
        reservedLoopbackPorts: this.config.reservedTargetPorts ?? [],
      },
    );
  }

  /** `GET /subscriptions/{id}`: anyone reads it; the endpoint only its team (and admins). */
  async get(id: string, caller: Caller): Promise<SubscriptionView> {
    return subscriptionView(await this.require(id), caller);
  }

  /** `GET /subscriptions?event_type=&version=`. */
  async list(
    query: ListQuery & { readonly event_type?: string; readonly version?: string },
    caller: Caller,
  ): Promise<ListPage<SubscriptionView>> {
    const problems: ValidationProblem[] = [];
    if (query.event_type !== undefined && !EVENT_TYPE_PATTERN.test(query.event_type)) {
      problems.push({ path: 'query.event_type', message: `must match ${EVENT_TYPE_PATTERN.source}` });
    }
    let version: number | undefined;
    if (query.version !== undefined) {
      version = /^[1-9]\d{0,9}$/.test(query.version) ? Number(query.version) : undefined;
      if (version === undefined)
        problems.push({ path: 'query.version', message: 'must be an integer of at least 1' });
      if (query.event_type === undefined)
        problems.push({ path: 'query.version', message: 'requires event_type' });
    }
    if (problems.length > 0) throw new ValidationError('The query parameters are not valid', problems);
    const page = await this.store.listSubscriptions({
      limit: query.limit,
      startKey: decodePageToken(query.next_token),
      eventType: query.event_type,
      version,
    });
    const items = page.items.map((record) => subscriptionView(record, caller));
    return page.nextKey === undefined ? { items } : { items, next_token: encodePageToken(page.nextKey) };
  }

  /** `DELETE /subscriptions/{id}`: removes the consumer manifest (tearing the consumer stack down) and the record. */
  async delete(id: string, caller: Caller): Promise<void> {
    const record = await this.require(id);
    requireTeam(caller, teamOf(record), `delete subscription ${id}`);
    await this.store.setSubscriptionState(id, RecordState.DELETING, 'DELETING');
    await step('Removing the consumer manifest', () =>
      this.storage.delete(
        this.config.subscriberBucket,
        consumerManifestKey(record.event_type, record.version, id),
      ),
    );
    await this.store.detachSubscription(record.event_type, id);
    await this.store.deleteSubscriptionRecords(id);
    await this.store.releaseSubscriptionClaim(
      { eventType: record.event_type, version: record.version, digest: record.request_digest },
      id,
    );
  }

  /** `GET /subscriptions/{id}/dead-letters`: read from the subscription's dead-letter queue (its team only). */
  async deadLetters(id: string, query: { readonly limit: number }, caller: Caller): Promise<DeadLetterList> {
    const record = await this.requireOwned(id, caller, `read the dead letters of subscription ${id}`);
    return this.deadLetterService.list(record, query.limit);
  }

  /** `DELETE /subscriptions/{id}/dead-letters/{dl_id}` (its team only). */
  async discardDeadLetter(id: string, deadLetterId: string, caller: Caller): Promise<void> {
    const record = await this.requireOwned(id, caller, `discard the dead letters of subscription ${id}`);
    await this.deadLetterService.discard(record, deadLetterId);
  }

  /** `POST /subscriptions/{id}/dead-letters/redrive` (its team only). */
  async redrive(id: string, input: unknown, caller: Caller): Promise<RedriveResult> {
    const record = await this.requireOwned(id, caller, `redrive the dead letters of subscription ${id}`);
    return this.deadLetterService.redrive(record, input);
  }

  /** `POST /subscriptions/{id}/replay` (its team only). */
  async startReplay(id: string, input: unknown, caller: Caller): Promise<ReplayView> {
    const record = await this.requireOwned(id, caller, `replay events to subscription ${id}`);
    return this.replayService.start(record, input);
  }

  /** `GET /subscriptions/{id}/replays/{name}`. */
  async describeReplay(id: string, name: string): Promise<ReplayView> {
    return this.replayService.describe(await this.require(id), name);
  }

  /** The subscription, once the caller is known to act for its team (404 first, then 403 naming it). */
  private async requireOwned(id: string, caller: Caller, action: string): Promise<SubscriptionRecord> {
    const record = await this.require(id);
    requireTeam(caller, teamOf(record), action);
    return record;
  }

  private async require(id: string): Promise<SubscriptionRecord> {
    const record = SUBSCRIPTION_ID_PATTERN.test(id) ? await this.store.getSubscription(id) : undefined;
    if (record === undefined) {
      throw new NotFoundError(`Subscription ${id} does not exist`, { context: { subscription_id: id } });
    }
    return record;
  }
}

/**
 * The team a new subscription belongs to, and the consumer request without it. `team` must be one of the
 * caller's teams (any team for an admin); it may be left out when the caller has one team.
 */
function owningTeam(
  input: unknown,
  caller: Caller,
): { readonly team: string; readonly consumerRequest: unknown } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('team' in input)) {
    if (caller.teams.length === 1) return { team: caller.teams[0] as string, consumerRequest: input };
    if (caller.teams.length === 0 && caller.admin) return { team: ADMIN_GROUP, consumerRequest: input };
    throw new ValidationError('The subscription is not valid', [
      {
        path: '$.team',
        message: `is required: you belong to several teams (${caller.teams.join(', ')}); say which one owns it`,
      },
    ]);
  }
  const { team, ...consumerRequest } = input as Record<string, unknown>;
  if (typeof team !== 'string' || !APPLICATION_PATTERN.test(team)) {
    throw new ValidationError('The subscription is not valid', [
      { path: '$.team', message: `must be a team name matching ${APPLICATION_PATTERN.source}` },
    ]);
  }
  requireTeam(caller, team, `subscribe on behalf of team ${team}`);
  return { team, consumerRequest };
}

/** The request a stored subscription was made from. */
function requestOf(record: SubscriptionRecord): SubscriptionRequest {
  return {
    event_type: record.event_type,
    version: record.version,
    ...(record.target_unit === undefined ? {} : { target_unit: record.target_unit }),
    connection_type: record.connection_type,
    connection_string: record.connection_string,
    ...(record.filter === undefined ? {} : { filter: record.filter }),
    retry_policy: record.retry_policy,
    ...(record.secret_name === undefined ? {} : { secret_name: record.secret_name }),
    ...(record.rate_limit_per_second === undefined
      ? {}
      : { rate_limit_per_second: record.rate_limit_per_second }),
  };
}

function deletedMeanwhile(id: string): ConflictError {
  return new ConflictError(`Subscription ${id} was deleted while it was being created`, {
    context: { subscription_id: id },
  });
}

function eventTypeNotFound(eventType: string): NotFoundError {
  return new NotFoundError(`Event type ${eventType} does not exist`, { context: { event_type: eventType } });
}

function eventTypeDeleting(eventType: string): ConflictError {
  return new ConflictError(`Event type ${eventType} is being deleted`, {
    context: { event_type: eventType },
  });
}
