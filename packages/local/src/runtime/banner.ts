/** What `bridgeport start` prints once the runtime is ready. */
import type { Bridgeport } from './bridgeport';

/** The lines `bridgeport start` prints once the runtime is ready; the next step only on a first start. */
export function readyBanner(bridgeport: Bridgeport): string[] {
  const demo =
    bridgeport.demoToken === undefined
      ? []
      : [
          'Demo: a platform admin token for the walk-through (valid 12 h; more with "pnpm exec bridgeport token"):',
          `  export TOKEN=${bridgeport.demoToken}`,
        ];
  const sdk = `export AWS_ENDPOINT_URL=${bridgeport.awsUrl}`;
  return [
    `Bridgeport (environment ${bridgeport.environment}, state in ${bridgeport.dataDir})`,
    bridgeport.demoToken === undefined
      ? `  Web portal         ${bridgeport.portalUrl}/   (sign in with a token from "pnpm exec bridgeport token")`
      : `  Web portal         ${bridgeport.portalUrl}/#token=${bridgeport.demoToken}`,
    `  Portal API         ${bridgeport.portalUrl}   (GET /health, /events, /subscriptions)`,
    `  Producer endpoint  ${bridgeport.brokerUrl}   (POST /{event_type}/{version} with x-api-key: GET /events/{event_type}/producer-key)`,
    `  AWS endpoint       ${bridgeport.awsUrl}   (DynamoDB, S3, EventBridge, SQS, Schemas, CloudWatch, API Gateway)`,
    ...demo,
    bridgeport.firstStart
      ? `Bridgeport is ready. Next: create an event type with curl -X POST ${bridgeport.portalUrl}/events -H "authorization: Bearer $TOKEN" (walk-through in README.md, "Run it locally"); for the aws CLI or SDKs: ${sdk}`
      : `Bridgeport is ready. For the aws CLI or SDKs: ${sdk}`,
  ];
}
