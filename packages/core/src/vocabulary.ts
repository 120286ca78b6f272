/** How producers reach the broker for an event type. */
export const ProducerType = { HTTPS: 'HTTPS', SQS: 'SQS' } as const;
export type ProducerType = (typeof ProducerType)[keyof typeof ProducerType];

/** How the broker delivers to a subscriber. */
export const ConsumerType = { LAMBDA: 'LAMBDA', SQS: 'SQS', HTTPS: 'HTTPS' } as const;
export type ConsumerType = (typeof ConsumerType)[keyof typeof ConsumerType];

/** Deployment status of an event type's producer or of a subscription's consumer. */
export const DeploymentStatus = {
  PENDING: 'PENDING',
  DEPLOYING: 'DEPLOYING',
  ACTIVE: 'ACTIVE',
  FAILED: 'FAILED',
  DELETING: 'DELETING',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];
