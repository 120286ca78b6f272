import {
  EventBridgeClient,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { BusError } from '../bus/errors';
import type { LocalBus } from '../bus/local-bus';
import type { PutEventsEntry } from '../bus/types';

/** The AWS error an SDK client would raise for a bus error: AWS's code as `name`, a client fault. */
class InProcessServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata = { httpStatusCode: 400 };

  constructor(name: string, message: string, fault: 'client' | 'server', cause: unknown) {
    super(message, { cause });
    this.name = name;
    this.$fault = fault;
  }
}

/**
 * An SDK `EventBridgeClient` for code that runs in the same process as the local bus (the broker's injector
 * behind the producer endpoint): its `PutEvents` is handed straight to the bus — same validation, same
 * result entries, same acknowledgement after the durable write — without serializing, signing and sending
 * it to the AWS-compatible endpoint and back. Every other command goes through the endpoint as usual.
 */
export function inProcessEventBridgeClient(bus: LocalBus): EventBridgeClient {
  // One handler per command class instead of a middleware stack resolved on every send.
  const client = new EventBridgeClient({ cacheMiddleware: true });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutEventsCommand') return next(args);
      const input = args.input as PutEventsCommandInput;
      try {
        const result = await bus.putEvents((input.Entries ?? []) as PutEventsEntry[]);
        const output: PutEventsCommandOutput = { $metadata: { httpStatusCode: 200 }, ...result };
        return { output: output as never, response: undefined };
      } catch (error) {
        if (error instanceof BusError)
          throw new InProcessServiceError(error.code, error.message, 'client', error);
        throw new InProcessServiceError('InternalException', 'The local bus failed.', 'server', error);
      }
    },
    { step: 'initialize', priority: 'high', name: 'bridgeportInProcessPutEvents' },
  );
  return client;
}
