import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A cdk-nag rule acknowledged on a construct, with the reason it does not apply. */
export interface NagAcknowledgment {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges cdk-nag findings on `scope` (and everything below it), each with its reason. */
export function acknowledgeNagFindings(scope: IConstruct, ...acknowledgments: NagAcknowledgment[]): void {
  Validations.of(scope).acknowledge(...acknowledgments);
}
