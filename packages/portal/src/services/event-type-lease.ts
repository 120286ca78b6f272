/**
 * The lease a request holds on an event type's pending work (creating it, or adding a version): its end, whether
 * a type is held, the fence check that precedes each side effect, and giving the lease up when the work fails.
 * The store's conditional writes take and move the lease; this is the request's side of the protocol.
 */
import { ConflictError } from '@bridgeport/core';
import type { EventStore } from '../store/event-store';
import { type EventTypeRecord, RecordState } from '../store/records';

/** How long a request holds the pending work of an event type: well beyond the portal functions' 29 s timeout. */
export const DEFAULT_LEASE_SECONDS = 120;

/** Another request holds the type's pending work. */
export function busy(eventType: string): ConflictError {
  return new ConflictError(
    `Event type ${eventType} is being changed by another request; retry when it has completed`,
    { context: { event_type: eventType } },
  );
}

/** This request lost the type's pending work to another one. */
export function lost(eventType: string): ConflictError {
  return new ConflictError(
    `Event type ${eventType} was changed by another request while this one was in progress; read it and retry`,
    { context: { event_type: eventType } },
  );
}

export class EventTypeLease {
  private readonly store: EventStore;
  private readonly leaseMillis: number;
  private readonly now: () => Date;

  constructor(options: {
    readonly store: EventStore;
    readonly leaseSeconds: number;
    readonly now: () => Date;
  }) {
    this.store = options.store;
    this.leaseMillis = options.leaseSeconds * 1000;
    this.now = options.now;
  }

  /** The end of a lease taken now. */
  until(): string {
    return new Date(this.now().getTime() + this.leaseMillis).toISOString();
  }

  /** Whether a request holds a lease on the type's pending work that has not run out. */
  isHeld(type: EventTypeRecord): boolean {
    return type.lease_until !== undefined && type.lease_until >= this.now().toISOString();
  }

  /** Runs the pending work of `owner`; when it fails, gives the lease up so that a repeated request may resume. */
  async whileOwning<T>(eventType: string, owner: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.store.releaseLease(eventType, owner).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Throws unless `owner` still holds the type's pending work under a lease that has not run out: a side
   * effect may follow.
   */
  async fence(eventType: string, owner: string): Promise<void> {
    const type = await this.store.getEventType(eventType);
    if (type?.owner !== owner || type.state === RecordState.DELETING || !this.isHeld(type)) {
      throw lost(eventType);
    }
  }
}
