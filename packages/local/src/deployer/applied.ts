/** What one applied manifest created, so that its removal tears down exactly that. */
import type { ConsumerPlan, ProducerPlan } from '@bridgeport/core';

export type Applied =
  | { readonly kind: 'producer'; readonly plan: ProducerPlan }
  | { readonly kind: 'consumer'; readonly plan: ConsumerPlan; readonly targetArn: string };

/** The manifests applied now, by object key. */
export type AppliedManifests = Map<string, Applied>;
