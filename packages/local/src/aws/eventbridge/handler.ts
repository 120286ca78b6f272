import type { IncomingMessage, ServerResponse } from 'node:http';
import { testEventPattern } from '@bridgeport/event-patterns';
import { BusError } from '../../bus/errors';
import type { LocalBus } from '../../bus/local-bus';
import {
  type EventBusDescription,
  type RuleDescription,
  RuleState,
  type TargetDefinition,
} from '../../bus/types';
import {
  type JsonInput,
  type JsonProtocol,
  type JsonRequestOptions,
  serveJsonRequest,
} from '../json-protocol';
import { AwsServiceError } from '../protocol';
import { apiDestinationOperations } from './api-destinations';
import { archiveOperations } from './archive-operations';

type Input = JsonInput;
/** One EventBridge operation: the request's JSON in, the response's JSON out. */
export type EventBridgeOperation = (bus: LocalBus, input: Input) => unknown | Promise<unknown>;
type Operation = EventBridgeOperation;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function required(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${field[0].toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** Seconds since the epoch, as AWS JSON 1.1 writes timestamps. */
const seconds = (ms: number): number => ms / 1000;

function busOutput(bus: EventBusDescription): Record<string, unknown> {
  return { ...bus, CreationTime: seconds(bus.CreationTime), LastModifiedTime: seconds(bus.LastModifiedTime) };
}

function ruleOutput(rule: RuleDescription, withCreatedBy: boolean): Record<string, unknown> {
  const { CreatedBy, ...rest } = rule;
  return withCreatedBy ? { ...rest, CreatedBy } : rest;
}

/** The EventBridge operations the local endpoint implements, by X-Amz-Target operation name. */
export const eventBridgeOperations: Readonly<Record<string, Operation>> = {
  PutEvents: (bus, input) => bus.putEvents((input.Entries ?? []) as Parameters<LocalBus['putEvents']>[0]),
  TestEventPattern: (_bus, input) => {
    const pattern = required(input, 'EventPattern');
    const event = required(input, 'Event');
    return { Result: testEventPattern(event, pattern) };
  },
  PutRule: (bus, input) =>
    bus.topology.putRule({
      Name: required(input, 'Name'),
      EventBusName: str(input.EventBusName),
      EventPattern: str(input.EventPattern),
      ScheduleExpression: str(input.ScheduleExpression),
      State: str(input.State) as RuleState | undefined,
      Description: str(input.Description),
      RoleArn: str(input.RoleArn),
    }),
  DeleteRule: async (bus, input) => {
    await bus.topology.deleteRule({ Name: required(input, 'Name'), EventBusName: str(input.EventBusName) });
    return {};
  },
  DescribeRule: (bus, input) =>
    ruleOutput(
      bus.topology.describeRule({ Name: required(input, 'Name'), EventBusName: str(input.EventBusName) }),
      true,
    ),
  EnableRule: async (bus, input) => {
    await bus.topology.setRuleState(
      { Name: required(input, 'Name'), EventBusName: str(input.EventBusName) },
      RuleState.ENABLED,
    );
    return {};
  },
  DisableRule: async (bus, input) => {
    await bus.topology.setRuleState(
      { Name: required(input, 'Name'), EventBusName: str(input.EventBusName) },
      RuleState.DISABLED,
    );
    return {};
  },
  ListRules: (bus, input) => {
    const page = bus.topology.listRules({
      NamePrefix: str(input.NamePrefix),
      EventBusName: str(input.EventBusName),
      Limit: num(input.Limit),
      NextToken: str(input.NextToken),
    });
    return {
      Rules: page.items.map((rule) => ruleOutput(rule, false)),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
  PutTargets: (bus, input) =>
    bus.topology.putTargets({
      Rule: required(input, 'Rule'),
      EventBusName: str(input.EventBusName),
      Targets: (input.Targets ?? []) as TargetDefinition[],
    }),
  RemoveTargets: (bus, input) =>
    bus.topology.removeTargets({
      Rule: required(input, 'Rule'),
      EventBusName: str(input.EventBusName),
      Ids: (input.Ids ?? []) as string[],
    }),
  ListTargetsByRule: (bus, input) => {
    const page = bus.topology.listTargetsByRule({
      Rule: required(input, 'Rule'),
      EventBusName: str(input.EventBusName),
      Limit: num(input.Limit),
      NextToken: str(input.NextToken),
    });
    return { Targets: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  },
  ListRuleNamesByTarget: (bus, input) => {
    const page = bus.topology.ruleNamesByTarget({
      TargetArn: required(input, 'TargetArn'),
      EventBusName: str(input.EventBusName),
      Limit: num(input.Limit),
      NextToken: str(input.NextToken),
    });
    return { RuleNames: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  },
  ...apiDestinationOperations,
  CreateEventBus: (bus, input) =>
    bus.topology.createEventBus({ Name: required(input, 'Name'), Description: str(input.Description) }),
  DescribeEventBus: (bus, input) => busOutput(bus.topology.describeEventBus(str(input.Name))),
  DeleteEventBus: async (bus, input) => {
    await bus.topology.deleteEventBus(required(input, 'Name'));
    return {};
  },
  ListEventBuses: (bus, input) => {
    const page = bus.topology.listEventBuses({
      NamePrefix: str(input.NamePrefix),
      Limit: num(input.Limit),
      NextToken: str(input.NextToken),
    });
    return {
      EventBuses: page.items.map(busOutput),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
  ...archiveOperations,
};

/** Maps any error to AWS's JSON 1.1 error (`__type`, `message`); unknown errors become a generic 500. */
export function toAwsError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  if (error instanceof BusError) return new AwsServiceError(error.code, error.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && (code === 'InvalidEventPatternException' || code === 'ValidationException')) {
    return new AwsServiceError(code, error.message);
  }
  return new AwsServiceError('InternalException', 'An internal error occurred.', 500);
}

/** EventBridge's AWS JSON 1.1 protocol: `X-Amz-Target: AWSEvents.<Operation>`. */
export const eventBridgeProtocol: JsonProtocol<LocalBus> = {
  targetPrefix: 'AWSEvents.',
  contentType: 'application/x-amz-json-1.1',
  operations: eventBridgeOperations,
  toAwsError,
};

/** Serves one EventBridge (AWS JSON 1.1) request against the bus. */
export function handleEventBridgeRequest(
  bus: LocalBus,
  request: IncomingMessage,
  response: ServerResponse,
  options: JsonRequestOptions,
): Promise<void> {
  return serveJsonRequest(eventBridgeProtocol, () => bus, request, response, options);
}
