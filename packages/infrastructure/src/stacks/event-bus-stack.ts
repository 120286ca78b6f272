import { busName, eventArchiveName, ssmParameterNames, stackNames } from '@bridgeport/core';
import { Duration } from 'aws-cdk-lib';
import { type Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { SharedStack, type SharedStackProps } from './shared-stack';

export interface EventBusStackProps extends SharedStackProps {
  /**
   * How long the archive keeps the bus's events (replayable).
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
}

/** Name of the bus's archive (core's naming): the bus name with `-archive`, within EventBridge's 48 characters. */
export { eventArchiveName };

/**
 * `{env}-event-broker-bus`: the custom bus `{env}.custom.events.bus` every event goes through, an archive of
 * its events (so they can be replayed), and the SSM parameter with its ARN that generated stacks import.
 */
export class EventBusStack extends SharedStack {
  public readonly bus: EventBus;
  public readonly archive: Archive;
  public readonly busArnParameter: StringParameter;

  constructor(scope: Construct, props: EventBusStackProps) {
    const { archiveRetention, ...sharedProps } = props;
    const { environment } = props.target;
    super(scope, stackNames(environment).bus, `Bridgeport ${environment}: event bus`, sharedProps);
    const retention = archiveRetention ?? Duration.days(30);
    this.bus = new EventBus(this, 'Bus', { eventBusName: busName(environment) });
    this.archive = this.bus.archive('Archive', {
      archiveName: eventArchiveName(environment),
      description: `Every event of ${busName(environment)}, kept ${retention.toDays()} days for replay`,
      eventPattern: { account: [this.account] },
      retention,
    });
    this.busArnParameter = new StringParameter(this, 'BusArnParameter', {
      parameterName: ssmParameterNames(environment).eventBusArn,
      stringValue: this.bus.eventBusArn,
      description: `ARN of ${busName(environment)}`,
    });
  }
}
