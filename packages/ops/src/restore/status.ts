/** What is deployed, as far as the AWS APIs show it: the deployment status a rebuilt record starts with. */
import { DescribeRuleCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { busName, type ConsumerManifest, DeploymentStatus, ruleName } from '@bridgeport/core';
import type { RestoreContext } from './context';

/**
 * A subscription whose rule is on the bus and enabled is `ACTIVE`; otherwise `PENDING`, for the deployment
 * pipeline's reconciler to settle.
 */
export async function consumerStatus(
  context: RestoreContext,
  manifest: ConsumerManifest,
): Promise<DeploymentStatus> {
  try {
    const rule = await context.clients.eventBridge.send(
      new DescribeRuleCommand({
        Name: ruleName(
          context.scope.environment,
          manifest.event_type,
          manifest.version,
          manifest.subscription_id,
        ),
        EventBusName: busName(context.scope.environment),
      }),
    );
    return rule.State === 'ENABLED' ? DeploymentStatus.ACTIVE : DeploymentStatus.PENDING;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') {
      return DeploymentStatus.PENDING;
    }
    throw error;
  }
}

/**
 * A producer's deployment cannot be read through the APIs operations use (it is an API Gateway route or an
 * ingress queue made by its stack): a rebuilt version starts `PENDING`, for the reconciler.
 */
export const PRODUCER_RESTORED_STATUS = DeploymentStatus.PENDING;
