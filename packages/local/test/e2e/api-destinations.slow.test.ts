import {
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  ListConnectionsCommand,
  ListRuleNamesByTargetCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  apiDestinationName,
  busName,
  connectionName,
  redriveRuleName,
  ruleName,
  SUBSCRIPTION_HEADER,
} from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType,
  type Sink,
  startSink,
  startSuiteRuntime,
  subscribe as subscribeTo,
  type TestRuntime,
} from './support';

const ENV = 'apide2e';
const EVENT_TYPE = 'hooked_parcel';

describe('the API destinations and connections of HTTPS consumers, through the EventBridge API', () => {
  let suite: TestRuntime;
  let runtime: Bridgeport;
  let sink: Sink;
  let eventBridge: EventBridgeClient;
  let plain: string;
  let withSecret: string;
  let ownSecret: string;
  const portal = (route: string) => suite.portal(route);
  const subscribe = (body: Record<string, unknown>): Promise<string> =>
    subscribeTo(runtime.portalUrl, EVENT_TYPE, body);

  beforeAll(async () => {
    sink = await startSink();
    suite = await startSuiteRuntime('apid', { environment: ENV });
    runtime = suite.runtime;
    eventBridge = new EventBridgeClient({});
    await createEventType(runtime.portalUrl, EVENT_TYPE, { description: 'A parcel for webhooks' });
    plain = await subscribe({ connection_string: sink.url('/plain'), rate_limit_per_second: 25 });
    // Only the subscription's own secret is accepted; the refusal names it (and keeps the id for the retry).
    const refused = await call('POST', portal('/subscriptions'), {
      event_type: EVENT_TYPE,
      version: 1,
      connection_type: 'HTTPS',
      connection_string: sink.url('/secret'),
      secret_name: 'team/hook-key',
    });
    expect(refused.status).toBe(400);
    const [problem] = (refused.body as { errors: { message: string }[] }).errors;
    ownSecret = String(problem?.message.split(', ').pop());
    expect(ownSecret).toMatch(new RegExp(`^bridgeport/${ENV}/consumers/[a-z0-9]{12}$`));
    withSecret = await subscribe({ connection_string: sink.url('/secret'), secret_name: ownSecret });
    expect(ownSecret).toBe(`bridgeport/${ENV}/consumers/${withSecret}`);
  });

  afterAll(async () => {
    eventBridge.destroy();
    await suite?.close();
    await sink.close();
  });

  it('lists one API destination per HTTPS consumer, with its endpoint, method, rate limit and connection', async () => {
    const { ApiDestinations } = await eventBridge.send(new ListApiDestinationsCommand({}));
    const names = [
      apiDestinationName(ENV, EVENT_TYPE, 1, plain),
      apiDestinationName(ENV, EVENT_TYPE, 1, withSecret),
    ];

    expect(ApiDestinations?.map((destination) => destination.Name).sort()).toEqual([...names].sort());
    const destination = ApiDestinations?.find((candidate) => candidate.Name === names[0]);
    expect(destination).toEqual({
      ApiDestinationArn: expect.stringMatching(
        new RegExp(`^arn:aws:events:us-east-1:000000000000:api-destination/${names[0]}/[-0-9a-f]{36}$`),
      ),
      Name: names[0],
      ApiDestinationState: 'ACTIVE',
      ConnectionArn: expect.stringMatching(
        new RegExp(
          `^arn:aws:events:us-east-1:000000000000:connection/${connectionName(ENV, EVENT_TYPE, 1, plain)}/[-0-9a-f]{36}$`,
        ),
      ),
      InvocationEndpoint: sink.url('/plain'),
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 25,
      CreationTime: expect.any(Date),
      LastModifiedTime: expect.any(Date),
    });
  });

  it("describes an API destination; it is the ARN the subscription's rule targets", async () => {
    const name = apiDestinationName(ENV, EVENT_TYPE, 1, withSecret);
    const described = await eventBridge.send(new DescribeApiDestinationCommand({ Name: name }));
    const { Targets } = await eventBridge.send(
      new ListTargetsByRuleCommand({
        Rule: ruleName(ENV, EVENT_TYPE, 1, withSecret),
        EventBusName: busName(ENV),
      }),
    );
    const byTarget = await eventBridge.send(
      new ListRuleNamesByTargetCommand({
        TargetArn: described.ApiDestinationArn,
        EventBusName: busName(ENV),
      }),
    );

    expect(described).toMatchObject({
      Name: name,
      Description: `Endpoint of subscription ${withSecret}`,
      InvocationEndpoint: sink.url('/secret'),
      InvocationRateLimitPerSecond: 10,
      HttpMethod: 'POST',
    });
    expect(Targets?.[0]?.Arn).toBe(described.ApiDestinationArn);
    // The subscription's rule and its redrive rule both target the destination.
    expect(byTarget.RuleNames).toEqual(
      [ruleName(ENV, EVENT_TYPE, 1, withSecret), redriveRuleName(ENV, EVENT_TYPE, 1, withSecret)].sort(),
    );
  });

  it('lists and describes the connections: API key authorization, the header name and never its value', async () => {
    const { Connections } = await eventBridge.send(new ListConnectionsCommand({}));
    const plainConnection = await eventBridge.send(
      new DescribeConnectionCommand({ Name: connectionName(ENV, EVENT_TYPE, 1, plain) }),
    );
    const secretConnection = await eventBridge.send(
      new DescribeConnectionCommand({ Name: connectionName(ENV, EVENT_TYPE, 1, withSecret) }),
    );

    expect(
      Connections?.map((connection) => [
        connection.Name,
        connection.ConnectionState,
        connection.AuthorizationType,
      ]).sort(),
    ).toEqual(
      [
        [connectionName(ENV, EVENT_TYPE, 1, plain), 'AUTHORIZED', 'API_KEY'],
        [connectionName(ENV, EVENT_TYPE, 1, withSecret), 'AUTHORIZED', 'API_KEY'],
      ].sort(),
    );
    expect(plainConnection).toMatchObject({
      Name: connectionName(ENV, EVENT_TYPE, 1, plain),
      ConnectionState: 'AUTHORIZED',
      AuthorizationType: 'API_KEY',
      Description: `Credentials of subscription ${plain}`,
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: SUBSCRIPTION_HEADER } },
    });
    // The key (the subscription id for a connection without a secret) is never shown: the header name only.
    expect(plainConnection.AuthParameters).toEqual({
      ApiKeyAuthParameters: { ApiKeyName: SUBSCRIPTION_HEADER },
    });
    expect(JSON.stringify(plainConnection)).not.toContain('ApiKeyValue');
    expect(JSON.stringify(secretConnection)).not.toContain(ownSecret);
    expect(secretConnection.AuthParameters).toEqual({ ApiKeyAuthParameters: {} });
  });

  it('answers ResourceNotFoundException with AWS text for names that do not exist', async () => {
    await expect(eventBridge.send(new DescribeApiDestinationCommand({ Name: 'nope' }))).rejects.toMatchObject(
      {
        name: 'ResourceNotFoundException',
        message: "Failed to describe the api-destination(s). An api-destination 'nope' does not exist.",
      },
    );
    await expect(eventBridge.send(new DescribeConnectionCommand({ Name: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Failed to describe the connection(s). Connection 'nope' does not exist.",
    });
  });

  it('drops the API destination and its connection with the subscription', async () => {
    const deleted = await call('DELETE', portal(`/subscriptions/${plain}`));
    expect(deleted.status).toBe(204);
    await runtime.whenDeployed();

    const { ApiDestinations } = await eventBridge.send(new ListApiDestinationsCommand({}));
    const { Connections } = await eventBridge.send(new ListConnectionsCommand({}));

    expect(ApiDestinations?.map((destination) => destination.Name)).toEqual([
      apiDestinationName(ENV, EVENT_TYPE, 1, withSecret),
    ]);
    expect(Connections?.map((connection) => connection.Name)).toEqual([
      connectionName(ENV, EVENT_TYPE, 1, withSecret),
    ]);
  });
});
