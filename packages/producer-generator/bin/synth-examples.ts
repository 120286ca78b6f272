/**
 * Synthesizes every producer example manifest with the CDK CLI, offline: `cdk synth -c manifest=examples/<name>.json`.
 * The account and region come from each manifest; nothing is looked up.
 */
import { join } from 'node:path';
import { synthesizeExamples } from '@bridgeport/infrastructure/cdk-kit';

if (synthesizeExamples(join(__dirname, '..')) > 0) process.exitCode = 1;
