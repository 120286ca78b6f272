export type { MetricQuery, MetricSeries, MetricsReader } from './adapters/metrics';
export { CloudWatchMetrics } from './adapters/metrics';
export type { ObjectStorageOptions } from './adapters/object-storage';
export { ObjectStorage } from './adapters/object-storage';
export type { SchemaRegistryOptions } from './adapters/schema-registry';
export { SchemaRegistry } from './adapters/schema-registry';
export type { PortalClients } from './clients';
export { createPortalClients } from './clients';
export type { PortalConfig } from './config';
export { readPortalConfig } from './config';
export { type CatalogHandlerServices, catalogHandler, createCatalogHandler } from './handlers/catalog';
export type { EventsHandlerServices } from './handlers/events';
export { createEventsHandler, eventsHandler } from './handlers/events';
export type { PortalHandler, ServicesSource } from './handlers/runtime';
export { defaultPortalServices, portalLogger } from './handlers/runtime';
export type { SubscriptionsHandlerServices } from './handlers/subscriptions';
export { createSubscriptionsHandler, subscriptionsHandler } from './handlers/subscriptions';
export { entityTag, ifMatch } from './http/etag';
export type { IdentifiedContext } from './http/identity';
export { callerFromEvent, identityMiddleware, parseGroups } from './http/identity';
export { isJsonMediaType, MAX_BODY_BYTES, PORTAL_BODY_RULES } from './http/request';
export { location } from './http/response';
export type { PortalFunctionBuild, PortalRoute } from './routes';
export { PortalFunction, portalFunctions, portalRoutes } from './routes';
export type { AsyncApiContext, CatalogEntry } from './services/asyncapi';
export { ASYNCAPI_VERSION, buildAsyncApiDocument } from './services/asyncapi';
export type { Caller } from './services/caller';
export { ADMIN_GROUP, actsFor, requireTeam } from './services/caller';
export { canonicalJson } from './services/canonical';
export type { CatalogServiceOptions, MatchReport, SubscriptionMatch } from './services/catalog';
export { CatalogService } from './services/catalog';
export type { DeadLetterList, DeadLetterView, RedriveResult } from './services/dead-letters';
export { DeadLetterService, MAX_DEAD_LETTERS_PER_CALL, REDRIVE_RATE } from './services/dead-letters';
export { DEFAULT_LEASE_SECONDS } from './services/event-type-lease';
export type {
  EventTypeListItem,
  EventTypeView,
  EventVersionView,
  Revisioned,
  UpdateResult,
  VersionSummaryView,
} from './services/event-type-views';
export type { EventTypeServiceOptions, RevisionPrecondition } from './services/event-types';
export { EventTypeService } from './services/event-types';
export { checkSubscriptionFilter } from './services/filter';
export type {
  CatalogInsights,
  EventTypeInsights,
  InsightsQuery,
  InsightsServiceOptions,
  SubscriptionInsights,
  VersionInsights,
} from './services/insights';
export { InsightsService, TOP_EVENT_TYPES } from './services/insights';
export type { InsightsWindow } from './services/insights-window';
export { InsightsLimit, parseInsightsWindow } from './services/insights-window';
export type { ListQuery } from './services/pagination';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './services/pagination';
export type { PortalServices } from './services/portal-services';
export { createPortalServices } from './services/portal-services';
export type { ReplayView } from './services/replays';
export { ReplayService } from './services/replays';
export type { SchemaBackup } from './services/schema-backup';
export { BACKUP_FORMAT, schemaBackupOf } from './services/schema-backup';
export type { ListPage, SubscriptionView } from './services/subscription-views';
export type { SubscriptionServiceOptions } from './services/subscriptions';
export { SubscriptionService } from './services/subscriptions';
export type { EventStoreOptions } from './store/event-store';
export { EventStore } from './store/event-store';
export type {
  EventTypeRecord,
  EventVersionRecord,
  EventVersionSummary,
  SubscriptionClaim,
  SubscriptionRecord,
} from './store/records';
export { RecordState } from './store/records';
export { EventsTableKey, eventsTableDefinition } from './store/table';
export type { Conditional, Page, PageKey, PageRequest } from './store/table-operations';
