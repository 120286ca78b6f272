import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { busName, eventArchiveName } from '@bridgeport/core';
import type { EventTypeService, EventStore as PortalEventStore } from '@bridgeport/portal';
import { eventsTableDefinition } from '@bridgeport/portal';
import type { LocalBus } from '../bus/local-bus';

/**
 * Creates the portal's table and the three buckets unless they exist (what the shared stacks create in AWS), the
 * buckets versioned as they are there.
 */
export async function provisionSharedResources(input: {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly tableName: string;
  readonly buckets: readonly string[];
}): Promise<{ created: string[] }> {
  const created: string[] = [];
  try {
    await input.dynamodb.send(new CreateTableCommand(eventsTableDefinition(input.tableName)));
    created.push(input.tableName);
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  for (const bucket of input.buckets) {
    try {
      await input.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      created.push(bucket);
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
    await input.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  return { created };
}

/** The `--demo` event type: a parcel scanned at a depot. */
export const DEMO_EVENT_TYPE = {
  application: 'parcel-tracking',
  event_type: 'scanned_parcel',
  description: 'A parcel was scanned at a depot',
  connection_type: 'HTTPS',
  data: {
    type: 'object',
    required: ['parcel_id', 'depot', 'scanned_at'],
    additionalProperties: false,
    properties: {
      parcel_id: { type: 'string', minLength: 1 },
      depot: { type: 'string', minLength: 1 },
      scanned_at: { type: 'string', format: 'date-time' },
      weight_kg: { type: 'number', minimum: 0 },
    },
  },
} as const;

/** Creates the demo event type through the portal's own service unless it already exists. */
export async function ensureDemoEventType(services: {
  readonly store: Pick<PortalEventStore, 'getEventType'>;
  readonly eventTypes: Pick<EventTypeService, 'create'>;
}): Promise<boolean> {
  const existing = await services.store.getEventType(DEMO_EVENT_TYPE.event_type);
  if (existing !== undefined && existing.state !== 'CREATING') return false;
  // Made by the runtime itself, with an admin's rights: the demo's application is nobody's team yet.
  await services.eventTypes.create(structuredClone(DEMO_EVENT_TYPE), {
    user: 'bridgeport-demo',
    teams: [],
    admin: true,
  });
  return true;
}

/**
 * The bus archive, as the AWS bus stack makes it: core's archive name, every event of the local account, kept
 * `retentionDays` (`--archive-retention-days`).
 */
export async function ensureBusArchive(
  bus: LocalBus,
  environment: string,
  retentionDays: number,
): Promise<void> {
  const name = eventArchiveName(environment);
  const bus_ = busName(environment);
  await bus.archives.ensure({
    name,
    busName: bus_,
    busArn: bus.topology.busArn(bus_),
    archiveArn: `${bus.topology.busArn(bus_).split(':event-bus/')[0]}:archive/${name}`,
    description: `Every event of ${bus_}, kept ${retentionDays === 0 ? 'forever' : `${retentionDays} days`} for replay`,
    eventPattern: JSON.stringify({ account: [bus.account] }),
    retentionDays,
  });
}
