import type { EventBridgeEvent, RuleDescription, TargetDefinition } from '../types';

/** One attempt at handing an event to a target. */
export interface Delivery {
  readonly event: EventBridgeEvent;
  /** The event JSON in AWS's key order (serialized once per event). */
  readonly eventJson: string;
  /** What the target receives: the event JSON, or the target's Input / InputPath result. */
  readonly payload: string;
  readonly rule: RuleDescription;
  readonly target: TargetDefinition;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * Delivers events to one kind of target, chosen by the target's ARN. Throw a `TargetDeliveryError`
 * to say whether the failure is retryable; any other throw counts as retryable.
 */
export interface TargetDispatcher {
  /** A name for logs and reports, e.g. `HTTPS`, `LAMBDA`, `SQS`. */
  readonly kind: string;
  canDeliver(arn: string): boolean;
  deliver(delivery: Delivery): Promise<void>;
  close?(): Promise<void>;
}

/** The dispatchers a bus knows, asked in registration order (the last registered wins ties). */
export class TargetDispatchers {
  private readonly dispatchers: TargetDispatcher[] = [];

  constructor(dispatchers: readonly TargetDispatcher[] = []) {
    for (const dispatcher of dispatchers) this.register(dispatcher);
  }

  /** Adds a dispatcher; it takes precedence over those registered before it. */
  register(dispatcher: TargetDispatcher): void {
    this.dispatchers.unshift(dispatcher);
  }

  resolve(arn: string): TargetDispatcher | undefined {
    return this.dispatchers.find((dispatcher) => dispatcher.canDeliver(arn));
  }

  async close(): Promise<void> {
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.close?.()));
  }
}

/** ARNs are parsed by core's naming module, the one place ARNs are built and read. */
export { parseArn } from '@bridgeport/core';
