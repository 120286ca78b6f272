import { createLogger } from '@bridgeport/edge';

/** The broker's Lambdas log through Powertools' logger (JSON lines, the request id on each, errors with stacks). */
export const brokerLogger = createLogger('bridgeport-broker');
