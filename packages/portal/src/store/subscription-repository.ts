/**
 * Subscription records and the claims of the requests creating them: a claim ties a request's digest to the
 * subscription id it works on (so that a repeated or concurrent identical request completes the same
 * subscription), and lives until the subscription completes or a day has passed. Also the consumer's deployment
 * status, the subscription's removal with the items under it, and the records operations rebuild from
 * manifests.
 */
import { DeleteCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DependencyFailureError,
  type DeploymentStatus,
  EventsTableKey,
  subscriptionKey,
  versionSortKey,
} from '@bridgeport/core';
import {
  decodeSubscription,
  isExpired,
  LIST_SUBSCRIPTIONS,
  subscriptionClaimKey,
  subscriptionItem,
  subscriptionsOfTypePartition,
} from './items';
import { RecordState, type SubscriptionClaim, type SubscriptionRecord } from './records';
import {
  type Conditional,
  ONLY_IF_ABSENT,
  type Page,
  type PageRequest,
  type TableOperations,
} from './table-operations';

const K = EventsTableKey;

/** A claim outlives any request that could still be working on it, then DynamoDB's TTL removes it. */
const SUBSCRIPTION_CLAIM_SECONDS = 24 * 3600;

export class SubscriptionRepository {
  constructor(private readonly table: TableOperations) {}

  /** Writes a new subscription in state `CREATING` (status `PENDING`). */
  async putPending(
    input: Omit<SubscriptionRecord, 'state' | 'status' | 'status_reason' | 'created_at' | 'updated_at'>,
  ): Promise<SubscriptionRecord> {
    const now = this.table.timestamp();
    const record: SubscriptionRecord = {
      ...input,
      state: RecordState.CREATING,
      status: 'PENDING',
      created_at: now,
      updated_at: now,
    };
    const result = await this.table.put(
      subscriptionItem(record),
      ONLY_IF_ABSENT,
      'Saving the subscription record',
    );
    if (!result.ok) {
      const existing = await this.get(record.id);
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
  async claim(claim: SubscriptionClaim, id: string, replacing?: string): Promise<string> {
    const step = 'Saving the subscription record';
    const nowSeconds = this.table.epochSeconds();
    const expiresAt = nowSeconds + SUBSCRIPTION_CLAIM_SECONDS;
    const put = await this.table.put(
      {
        ...subscriptionClaimKey(claim),
        entity: 'SUBSCRIPTION_CLAIM',
        subscription_id: id,
        [K.TIME_TO_LIVE]: expiresAt,
      },
      // A claim past its expiry counts as absent: DynamoDB's TTL removes it only some time later.
      replacing === undefined
        ? {
            ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :now',
            ExpressionAttributeNames: { '#pk': K.PARTITION, '#exp': K.TIME_TO_LIVE },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }
        : {
            ConditionExpression: '#id = :replacing OR #exp < :now',
            ExpressionAttributeNames: { '#id': 'subscription_id', '#exp': K.TIME_TO_LIVE },
            ExpressionAttributeValues: { ':now': nowSeconds, ':replacing': replacing },
          },
      step,
    );
    if (put.ok) return id;
    const current = await this.table.get(subscriptionClaimKey(claim), step);
    const claimed = current?.subscription_id;
    if (typeof claimed === 'string' && !isExpired(current, this.table.epochSeconds())) return claimed;
    return this.claim(claim, id);
  }

  /** Removes the claim of a request if it still names `id`. Idempotent. */
  async releaseClaim(claim: SubscriptionClaim, id: string): Promise<void> {
    await this.table.conditional('Activating the subscription record', () =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: subscriptionClaimKey(claim),
          ConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'subscription_id' },
          ExpressionAttributeValues: { ':id': id },
        }),
      ),
    );
  }

  async get(id: string): Promise<SubscriptionRecord | undefined> {
    const item = await this.table.get(subscriptionKey(id), 'Reading the subscription');
    return item === undefined ? undefined : decodeSubscription(item);
  }

  /**
   * Several subscriptions by id (missing ones are left out), in the order given. Keys DynamoDB leaves
   * unprocessed are read again after a backoff; `UnprocessedKeysError` when some stay unprocessed.
   */
  async getMany(ids: readonly string[]): Promise<SubscriptionRecord[]> {
    const items = await this.table.batchGet(ids.map(subscriptionKey), 'Reading the subscriptions');
    const found = new Map<string, SubscriptionRecord>();
    for (const item of items) {
      const record = decodeSubscription(item);
      found.set(record.id, record);
    }
    return ids.flatMap((id) => {
      const record = found.get(id);
      return record === undefined ? [] : [record];
    });
  }

  /** Subscriptions in id order, or those of one event type (and version) in version order. */
  async list(
    options: PageRequest & { readonly eventType?: string; readonly version?: number },
  ): Promise<Page<SubscriptionRecord>> {
    const input: QueryCommandInput =
      options.eventType === undefined
        ? {
            TableName: this.table.tableName,
            IndexName: K.LIST_INDEX,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': K.LIST_PARTITION },
            ExpressionAttributeValues: { ':pk': LIST_SUBSCRIPTIONS },
          }
        : {
            TableName: this.table.tableName,
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
    const page = await this.table.queryPage(input, options, 'Listing subscriptions');
    return { ...page, items: page.items.map(decodeSubscription) };
  }

  /** Moves a subscription to `state`, optionally with a deployment status. */
  async setState(id: string, state: RecordState, status?: DeploymentStatus): Promise<void> {
    await this.table.call(
      state === RecordState.DELETING
        ? 'Removing the subscription record'
        : 'Activating the subscription record',
      () =>
        this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
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
              ':at': this.table.timestamp(),
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
  async activate(id: string): Promise<boolean> {
    const result = await this.table.update(
      {
        Key: subscriptionKey(id),
        UpdateExpression: 'SET #state = :ready, #at = :at',
        ConditionExpression: '#state IN (:creating, :ready)',
        ExpressionAttributeNames: { '#state': 'state', '#at': 'updated_at' },
        ExpressionAttributeValues: {
          ':ready': RecordState.READY,
          ':creating': RecordState.CREATING,
          ':at': this.table.timestamp(),
        },
      },
      'Activating the subscription record',
    );
    return result.ok;
  }

  /**
   * Records the deployment status of a subscription's consumer (used by the deployment side). With `eventAt`,
   * only if no status of a later deployment event was recorded. Returns false when nothing is written: the
   * subscription does not exist or its status is newer.
   */
  async setStatus(
    subscriptionId: string,
    status: DeploymentStatus,
    reason?: string,
    eventAt?: string,
  ): Promise<boolean> {
    return this.table.recordStatus(
      { key: subscriptionKey(subscriptionId), status, reason, eventAt },
      'Recording the consumer status',
    );
  }

  /** Removes a subscription record and the items under it. Idempotent. */
  async deleteRecords(subscriptionId: string): Promise<void> {
    await this.table.deleteRecordAndItems(
      subscriptionKey(subscriptionId),
      'Removing the subscription record',
    );
  }

  /** Writes a subscription record rebuilt from its manifest; only when none exists, unless `replace`. */
  async putRestored(record: SubscriptionRecord, replace = false): Promise<Conditional<void>> {
    return this.table.put(
      subscriptionItem(record),
      replace ? undefined : ONLY_IF_ABSENT,
      'Restoring the subscription record',
    );
  }
}
