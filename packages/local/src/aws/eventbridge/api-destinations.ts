/**
 * `ListApiDestinations`, `DescribeApiDestination`, `ListConnections` and `DescribeConnection` of the local
 * EventBridge: the API destinations and connections the deployer made for HTTPS consumers, in AWS's shapes.
 * Secret values are never shown: a connection shows its API key header name, never the key.
 */
import { BusResourceNotFoundError, BusValidationError } from '../../bus/errors';
import type { LocalBus } from '../../bus/local-bus';
import { paginate } from '../../bus/paginate';
import { type ApiDestinationRecord, nameOf } from '../../deployer/api-destinations';
import type { EventBridgeOperation } from './handler';

/** Every local API destination calls its endpoint with POST, as the consumer generator's do. */
const HTTP_METHOD = 'POST';
/** The state of every API destination the deployer made (they are usable as soon as they exist). */
const DESTINATION_STATE = 'ACTIVE';
const CONNECTION_STATE = 'AUTHORIZED';
const AUTHORIZATION_TYPE = 'API_KEY';

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const seconds = (ms: number): number => ms / 1000;

/** The destinations that carry what the API shows (those the deployer made). */
function described(
  bus: LocalBus,
): (ApiDestinationRecord & Required<Pick<ApiDestinationRecord, 'details'>>)[] {
  return (bus.apiDestinations?.list() ?? []).filter(
    (record): record is ApiDestinationRecord & Required<Pick<ApiDestinationRecord, 'details'>> =>
      record.details !== undefined,
  );
}

function destinationSummary(record: ApiDestinationRecord & Required<Pick<ApiDestinationRecord, 'details'>>) {
  return {
    ApiDestinationArn: record.arn,
    Name: nameOf(record),
    ApiDestinationState: DESTINATION_STATE,
    ConnectionArn: record.details.connection.arn,
    InvocationEndpoint: record.endpoint,
    HttpMethod: HTTP_METHOD,
    InvocationRateLimitPerSecond: record.details.rateLimitPerSecond,
    CreationTime: seconds(record.createdAt),
    LastModifiedTime: seconds(record.modifiedAt),
  };
}

function connectionSummary(record: ApiDestinationRecord & Required<Pick<ApiDestinationRecord, 'details'>>) {
  return {
    ConnectionArn: record.details.connection.arn,
    Name: record.details.connection.name,
    ConnectionState: CONNECTION_STATE,
    AuthorizationType: AUTHORIZATION_TYPE,
    CreationTime: seconds(record.createdAt),
    LastModifiedTime: seconds(record.modifiedAt),
    LastAuthorizedTime: seconds(record.modifiedAt),
  };
}

function requiredName(input: Record<string, unknown>): string {
  const name = input.Name;
  if (typeof name !== 'string') {
    throw new BusValidationError(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  }
  return name;
}

export const apiDestinationOperations: Readonly<Record<string, EventBridgeOperation>> = {
  ListApiDestinations: (bus, input) => {
    const prefix = str(input.NamePrefix);
    const connectionArn = str(input.ConnectionArn);
    const page = paginate(
      described(bus)
        .filter((record) => prefix === undefined || nameOf(record).startsWith(prefix))
        .filter((record) => connectionArn === undefined || record.details.connection.arn === connectionArn)
        .map(destinationSummary),
      num(input.Limit),
      str(input.NextToken),
    );
    return { ApiDestinations: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  },
  DescribeApiDestination: (bus, input) => {
    const name = requiredName(input);
    const record = described(bus).find((candidate) => nameOf(candidate) === name);
    if (record === undefined) {
      throw new BusResourceNotFoundError(
        `Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`,
      );
    }
    return {
      ...destinationSummary(record),
      ...(record.details.description === undefined ? {} : { Description: record.details.description }),
    };
  },
  ListConnections: (bus, input) => {
    const prefix = str(input.NamePrefix);
    const state = str(input.ConnectionState);
    const page = paginate(
      described(bus)
        .filter((record) => prefix === undefined || record.details.connection.name.startsWith(prefix))
        .filter(() => state === undefined || state === CONNECTION_STATE)
        .map(connectionSummary)
        .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)),
      num(input.Limit),
      str(input.NextToken),
    );
    return { Connections: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  },
  DescribeConnection: (bus, input) => {
    const name = requiredName(input);
    const record = described(bus).find((candidate) => candidate.details.connection.name === name);
    if (record === undefined) {
      throw new BusResourceNotFoundError(
        `Failed to describe the connection(s). Connection '${name}' does not exist.`,
      );
    }
    const { connection } = record.details;
    return {
      ...connectionSummary(record),
      ...(connection.description === undefined ? {} : { Description: connection.description }),
      // The header name only: its value (the key) stays secret, as on AWS.
      AuthParameters: {
        ApiKeyAuthParameters:
          connection.apiKeyName === undefined ? {} : { ApiKeyName: connection.apiKeyName },
      },
    };
  },
};
