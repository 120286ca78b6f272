import { BrokerHandler } from '../kit/broker-function';

/**
 * The self-contained bundle the deployment pipeline builds from (`local_deploy.sh` zips and uploads it): both
 * generator apps and the build step as single JavaScript files, the broker handlers they deploy prebuilt (the
 * AWS SDK of the lockfile inside), and the CDK packages with the CDK CLI in its own `node_modules`. A build
 * runs `node manifest-build.js` in it and installs nothing.
 *
 * ```
 * manifest-build.js                       the build step (bin/manifest-build.ts)
 * producer-generator/{app.js,cdk.json}    the producer generator app; cdk.json: "app": "node app.js"
 * consumer-generator/{app.js,cdk.json}    the consumer generator app
 * handlers/<handler>/index.js             prebuilt broker handlers the generators deploy
 * node_modules/                           aws-cdk-lib, constructs, cdk-nag, aws-cdk (the CLI) and their dependencies
 * bridgeport-generators-bundle.json       what the bundle holds (handlers, package versions)
 * ```
 */
export const GENERATOR_COMPONENTS = ['producer', 'consumer'] as const;

/** Broker handlers the generators deploy (prebuilt into the bundle). */
export const GENERATOR_HANDLERS = [
  BrokerHandler.SHARED_API_RESOURCE,
  BrokerHandler.SQS_FORWARDER,
  BrokerHandler.QUEUE_POLICY_STATEMENT,
] as const;

/** Packages kept as `node_modules` (not bundled): the CDK libraries the apps load and the CDK CLI. */
export const BUNDLE_RUNTIME_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-cdk'] as const;

/** The marker file of a bundle; a directory holding it may be rebuilt in place. */
export const BUNDLE_DESCRIPTION_FILE = 'bridgeport-generators-bundle.json';

/** Build step file of the bundle. */
export const BUNDLE_BUILD_STEP = 'manifest-build.js';
