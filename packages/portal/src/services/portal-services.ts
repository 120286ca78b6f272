import { ApiKeys } from '../adapters/api-keys';
import { DeadLetterQueues } from '../adapters/dead-letter-queue';
import { CloudWatchMetrics } from '../adapters/metrics';
import { ObjectStorage } from '../adapters/object-storage';
import { SchemaRegistry } from '../adapters/schema-registry';
import type { PortalClients } from '../clients';
import type { PortalConfig } from '../config';
import { EventStore } from '../store/event-store';
import { CatalogService } from './catalog';
import { DeadLetterService } from './dead-letters';
import { EventTypeService } from './event-types';
import { InsightsService } from './insights';
import { ProducerKeyService } from './producer-keys';
import { ReplayService } from './replays';
import { SubscriptionService } from './subscriptions';

/** The portal's domain services wired to their adapters. */
export interface PortalServices {
  readonly config: PortalConfig;
  readonly store: EventStore;
  readonly eventTypes: EventTypeService;
  readonly producerKeys: ProducerKeyService;
  readonly subscriptions: SubscriptionService;
  readonly catalog: CatalogService;
  readonly insights: InsightsService;
}

/** Wires the services to the given clients (tests and the local runtime pass their own). */
export function createPortalServices(options: {
  readonly config: PortalConfig;
  readonly clients: PortalClients;
}): PortalServices {
  const { config, clients } = options;
  const store = new EventStore({ tableName: config.tableName, client: clients.dynamo });
  const storage = new ObjectStorage({ client: clients.s3 });
  const registry = new SchemaRegistry({ client: clients.schemas, registryName: config.schemaRegistryName });
  const producerKeys = new ProducerKeyService({
    apiKeys: new ApiKeys({ client: clients.apiGateway }),
    environment: config.environment,
    brokerStage: config.brokerStage,
  });
  const eventTypes = new EventTypeService({ store, registry, storage, config, producerKeys });
  const subscriptions = new SubscriptionService({
    store,
    storage,
    config,
    deadLetters: new DeadLetterService({
      queues: new DeadLetterQueues({ client: clients.sqs }),
      eventBridge: clients.eventBridge,
      config,
    }),
    replays: new ReplayService({ eventBridge: clients.eventBridge, config }),
  });
  return {
    config,
    store,
    eventTypes,
    producerKeys,
    subscriptions,
    catalog: new CatalogService({ eventTypes, subscriptions, config }),
    insights: new InsightsService({
      eventTypes,
      subscriptions,
      metrics: new CloudWatchMetrics({ client: clients.cloudWatch }),
      config,
    }),
  };
}
