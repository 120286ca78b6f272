import path from 'node:path';
import { LocalQueueStore } from '../../aws/sqs/queue-store';
import type { TargetDispatcher } from './dispatcher';
import { HttpTargetDispatcher, type HttpTargetOptions } from './http';
import { type LambdaFunctionLoader, LambdaTargetDispatcher, moduleFunctionLoader } from './lambda';
import { SqsTargetDispatcher } from './sqs';

export interface StandardDispatcherOptions {
  /** Options of the HTTPS dispatcher (API destination endpoints, timeout…). */
  readonly http?: HttpTargetOptions;
  /** Lambda functions as modules `DIR/<name>.mjs|.js` exporting `handler`. */
  readonly functionsDir?: string;
  /** Or a custom loader (takes precedence over `functionsDir`). */
  readonly loadFunction?: LambdaFunctionLoader;
  /** Directory of the local SQS queue store; without it SQS targets are not delivered. */
  readonly queuesDir?: string;
  /** Lambda invocation timeout. Default 30 s. */
  readonly lambdaTimeoutMs?: number;
}

/** The three standard target kinds (HTTPS, LAMBDA, SQS), ready to pass to `LocalBus.open({ dispatchers })`. */
export function standardTargetDispatchers(options: StandardDispatcherOptions = {}): {
  dispatchers: TargetDispatcher[];
  /** The local SQS queue store, when `queuesDir` was given (closed with the bus). */
  queues?: LocalQueueStore;
} {
  const dispatchers: TargetDispatcher[] = [new HttpTargetDispatcher(options.http)];
  const loadFunction =
    options.loadFunction ??
    (options.functionsDir ? moduleFunctionLoader(path.resolve(options.functionsDir)) : undefined);
  if (loadFunction) {
    dispatchers.push(new LambdaTargetDispatcher({ loadFunction, timeoutMs: options.lambdaTimeoutMs }));
  }
  if (!options.queuesDir) return { dispatchers };
  const queues = new LocalQueueStore(options.queuesDir);
  dispatchers.push(new SqsTargetDispatcher(queues, { closeQueues: true }));
  return { dispatchers, queues };
}
