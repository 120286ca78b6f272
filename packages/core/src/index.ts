export type {
  EventTypeRequest,
  EventTypeUpdate,
  JsonObject,
  JsonSchema,
  JsonValue,
  RetryPolicy,
  SubscriptionRequest,
  Validated,
  ValidationProblem,
} from './types';
export { ConsumerType, DeploymentStatus, ProducerType } from './vocabulary';
