import type { ProducerResolver, ResolvedProducer } from '@bridgeport/broker';

/**
 * The producers the local deployer has applied: what the broker's injector resolves on the local producer
 * endpoint (an SQS producer resolves too, and is answered 409 naming its ingress queue). A route exists from
 * the moment its plan is applied until its manifest is removed.
 */
export class ProducerRoutes implements ProducerResolver {
  private readonly routes = new Map<string, ResolvedProducer>();

  resolve(eventType: string, version: number): Promise<ResolvedProducer | undefined> {
    return Promise.resolve(this.routes.get(routeKey(eventType, version)));
  }

  /** Routes currently live, as `{event_type}/{version}`. */
  list(): string[] {
    return [...this.routes.keys()].sort();
  }

  set(producer: ResolvedProducer): void {
    this.routes.set(routeKey(producer.plan.eventType, producer.plan.version), producer);
  }

  delete(eventType: string, version: number): boolean {
    return this.routes.delete(routeKey(eventType, version));
  }
}

function routeKey(eventType: string, version: number): string {
  return `${eventType}/${version}`;
}
