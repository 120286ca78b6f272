import cdkJson from '../../cdk.json';

/**
 * CDK feature flags every Bridgeport app runs with: the context of `packages/infrastructure/cdk.json` (the
 * generators' `cdk.json` hold the same). Every flag whose default differs from aws-cdk-lib's recommended value is
 * pinned (`cdk flags` has nothing unconfigured), at the behaviour the stacks were written and tested for, so
 * that upgrading aws-cdk-lib cannot change a template silently. In-process apps (tests, `bin/synth.ts`) merge
 * them under their own context, as the CDK CLI does with `cdk.json`.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = cdkJson.context;
