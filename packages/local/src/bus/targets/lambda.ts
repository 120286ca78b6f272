import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { TargetDeliveryError } from '../errors';
import { type Delivery, parseArn, type TargetDispatcher } from './dispatcher';

/** The context object a local function receives (the subset of Lambda's that makes sense locally). */
export interface LocalLambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** A Lambda handler: `handler(event, context)`, sync or async. */
export type LocalLambdaHandler = (event: unknown, context: LocalLambdaContext) => unknown;

/** Finds the handler for a function name; undefined when there is no such function. */
export type LambdaFunctionLoader = (functionName: string) => Promise<LocalLambdaHandler | undefined>;

export interface LambdaTargetOptions {
  readonly loadFunction: LambdaFunctionLoader;
  /** Invocation timeout. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * LAMBDA targets: the function name in the ARN (`…:function:name[:qualifier]`) is resolved by the
 * loader and its handler invoked with the event (asynchronous invocation: the result is ignored).
 * A throw or a timeout is retryable; an unknown function is not.
 */
export class LambdaTargetDispatcher implements TargetDispatcher {
  readonly kind = 'LAMBDA';
  private readonly timeoutMs: number;

  constructor(private readonly options: LambdaTargetOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  canDeliver(arn: string): boolean {
    return lambdaFunctionName(arn) !== undefined;
  }

  async deliver(delivery: Delivery): Promise<void> {
    const functionName = lambdaFunctionName(delivery.target.Arn) ?? '';
    let handler: LocalLambdaHandler | undefined;
    try {
      handler = await this.options.loadFunction(functionName);
    } catch (error) {
      throw new TargetDeliveryError(
        'FUNCTION_LOAD_ERROR',
        `Function ${functionName} failed to load: ${message(error)}`,
        true,
        {
          cause: error,
        },
      );
    }
    if (!handler) throw new TargetDeliveryError('NO_RESOURCE', `Function not found: ${functionName}.`, false);
    const deadline = Date.now() + this.timeoutMs;
    const context: LocalLambdaContext = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: delivery.target.Arn,
      awsRequestId: randomUUID(),
      memoryLimitInMB: '128',
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const event: unknown =
      delivery.payload === delivery.eventJson ? delivery.event : parsePayload(delivery.payload);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => handler(structuredClone(event), context)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new TargetDeliveryError(
                  'TIMEOUT',
                  `Function ${functionName} timed out after ${this.timeoutMs} ms.`,
                  true,
                ),
              ),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      if (error instanceof TargetDeliveryError) throw error;
      throw new TargetDeliveryError(
        'FUNCTION_ERROR',
        `Function ${functionName} failed: ${message(error)}`,
        true,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `arn:…:lambda:region:account:function:name[:qualifier]` → name; undefined for anything else. */
export function lambdaFunctionName(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'lambda') return undefined;
  const [kind, name] = (parsed?.resource ?? '').split(':');
  return kind === 'function' && name ? name : undefined;
}

/**
 * Loads handlers from `DIR/<name>.mjs` or `DIR/<name>.js` (export `handler`), once per function.
 * Names are restricted to Lambda's character set, so a name never escapes the directory.
 */
export function moduleFunctionLoader(directory: string): LambdaFunctionLoader {
  const cache = new Map<string, Promise<LocalLambdaHandler | undefined>>();
  return (functionName) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(functionName)) return Promise.resolve(undefined);
    let loaded = cache.get(functionName);
    if (!loaded) {
      loaded = loadModuleHandler(directory, functionName);
      cache.set(functionName, loaded);
      loaded.catch(() => cache.delete(functionName));
    }
    return loaded;
  };
}

async function loadModuleHandler(
  directory: string,
  functionName: string,
): Promise<LocalLambdaHandler | undefined> {
  for (const extension of ['.mjs', '.js', '.cjs']) {
    const file = path.resolve(directory, `${functionName}${extension}`);
    try {
      await access(file);
    } catch {
      continue;
    }
    // An absolute path (not a file: URL) loads under both ESM and CommonJS.
    const loaded = (await import(file)) as {
      handler?: unknown;
      default?: { handler?: unknown };
    };
    const handler = loaded.handler ?? loaded.default?.handler;
    if (typeof handler !== 'function') throw new Error(`${file} does not export a handler function`);
    return handler as LocalLambdaHandler;
  }
  return undefined;
}

/** A transformed payload: JSON when it parses, else the text itself. */
function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
