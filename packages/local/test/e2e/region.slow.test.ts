import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { DescribeRegistryCommand, DescribeSchemaCommand, SchemasClient } from '@aws-sdk/client-schemas';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { busName, ruleName, schemaName, schemaRegistryName } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType,
  publish,
  type Sink,
  startSink,
  startSuiteRuntime,
  subscribe,
  type TestRuntime,
  waitFor,
} from './support';

const ENV = 'regione2e';
const REGION = 'eu-west-1';
const INBOX = 'regional-inbox';

describe('bridgeport start --region eu-west-1, seen through the AWS SDK', () => {
  let suite: TestRuntime;
  let runtime: Bridgeport;
  let sink: Sink;
  let eventBridge: EventBridgeClient;
  let sqs: SQSClient;
  let schemas: SchemasClient;
  let subscriptionId: string;
  const portal = (route: string) => suite.portal(route);

  beforeAll(async () => {
    sink = await startSink();
    suite = await startSuiteRuntime('region', { environment: ENV, region: REGION });
    runtime = suite.runtime;
    // The runtime sets AWS_ENDPOINT_URL and AWS_REGION for this process, as a user's shell would.
    eventBridge = new EventBridgeClient({});
    sqs = new SQSClient({});
    schemas = new SchemasClient({});
    await createEventType(runtime.portalUrl, 'regional_parcel', {
      description: 'A parcel scanned in Ireland',
    });
    subscriptionId = await subscribe(runtime.portalUrl, 'regional_parcel', {
      connection_string: sink.url('/regional'),
    });
  });

  afterAll(async () => {
    eventBridge.destroy();
    sqs.destroy();
    schemas.destroy();
    await suite?.close();
    await sink.close();
  });

  it('names the region in the ARNs of the bus, the rules and the API destination targets', async () => {
    const bus = await eventBridge.send(new DescribeEventBusCommand({ Name: busName(ENV) }));
    const { Rules } = await eventBridge.send(new ListRulesCommand({ EventBusName: busName(ENV) }));
    const rule = Rules?.find(
      (candidate) => candidate.Name === ruleName(ENV, 'regional_parcel', 1, subscriptionId),
    );
    const { Targets } = await eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule?.Name, EventBusName: busName(ENV) }),
    );
    const put = await eventBridge.send(
      new PutRuleCommand({ Name: 'by-hand', EventPattern: '{"source":["x"]}' }),
    );

    expect(bus.Arn).toBe(`arn:aws:events:${REGION}:000000000000:event-bus/${busName(ENV)}`);
    expect(Rules?.length).toBeGreaterThan(0);
    expect(Rules?.every((each) => each.Arn?.startsWith(`arn:aws:events:${REGION}:000000000000:rule/`))).toBe(
      true,
    );
    expect(rule?.Arn).toBe(`arn:aws:events:${REGION}:000000000000:rule/${busName(ENV)}/${rule?.Name}`);
    expect(Targets?.[0]?.Arn).toMatch(new RegExp(`^arn:aws:events:${REGION}:000000000000:api-destination/`));
    expect(Targets?.[0]?.DeadLetterConfig?.Arn).toMatch(new RegExp(`^arn:aws:sqs:${REGION}:000000000000:`));
    expect(put.RuleArn).toBe(`arn:aws:events:${REGION}:000000000000:rule/by-hand`);
  });

  it("puts the region in every delivered event's region field", async () => {
    const published = await publish(
      runtime,
      'regional_parcel',
      { parcel_id: 'ie-1', weight_kg: 1 },
      { target: 'depot-1' },
    );
    expect(published.status).toBe(200);

    const [received] = await waitFor('the delivery', () => {
      const found = sink.on('/regional');
      return found.length > 0 ? found : undefined;
    });
    expect(JSON.parse(received?.body ?? '{}')).toMatchObject({
      source: 'parcel-tracking',
      account: '000000000000',
      region: REGION,
    });
  });

  it('names the region in queue URLs and queue ARNs, and delivers to a queue of that region', async () => {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: INBOX }));
    const found = await sqs.send(new GetQueueUrlCommand({ QueueName: INBOX }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: found.QueueUrl, AttributeNames: ['QueueArn'] }),
    );

    expect(created.QueueUrl).toBe(`${runtime.awsUrl}/queue/${REGION}/000000000000/${INBOX}`);
    expect(found.QueueUrl).toBe(created.QueueUrl);
    expect(Attributes?.QueueArn).toBe(`arn:aws:sqs:${REGION}:000000000000:${INBOX}`);

    await subscribe(runtime.portalUrl, 'regional_parcel', {
      connection_type: 'SQS',
      connection_string: Attributes?.QueueArn,
    });
    await publish(runtime, 'regional_parcel', { parcel_id: 'ie-2', weight_kg: 2 }, { target: 'depot-2' });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: found.QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
    );
    expect(JSON.parse(Messages?.[0]?.Body ?? '{}')).toMatchObject({ region: REGION });
  });

  it('names the region in the schema registry and schema ARNs', async () => {
    const registry = await schemas.send(
      new DescribeRegistryCommand({ RegistryName: schemaRegistryName(ENV) }),
    );
    const schema = await schemas.send(
      new DescribeSchemaCommand({
        RegistryName: schemaRegistryName(ENV),
        SchemaName: schemaName('regional_parcel'),
      }),
    );

    expect(registry.RegistryArn).toBe(
      `arn:aws:schemas:${REGION}:000000000000:registry/${schemaRegistryName(ENV)}`,
    );
    expect(schema.SchemaArn).toBe(
      `arn:aws:schemas:${REGION}:000000000000:schema/${schemaRegistryName(ENV)}/${schemaName('regional_parcel')}`,
    );
  });

  it('refuses a Lambda or SQS subscriber in another region with 400 on connection_string', async () => {
    const lambda = await call('POST', portal('/subscriptions'), {
      event_type: 'regional_parcel',
      version: 1,
      connection_type: 'LAMBDA',
      connection_string: 'arn:aws:lambda:us-east-1:000000000000:function:notify',
    });
    const queue = await call('POST', portal('/subscriptions'), {
      event_type: 'regional_parcel',
      version: 1,
      connection_type: 'SQS',
      connection_string: 'arn:aws:sqs:us-east-1:000000000000:elsewhere',
    });

    expect(lambda.status).toBe(400);
    expect(lambda.body).toMatchObject({
      errors: [
        {
          path: '$.connection_string',
          message: expect.stringContaining(
            `names region us-east-1, but this deployment's event bus is in ${REGION}`,
          ),
        },
      ],
    });
    expect(queue.status).toBe(400);
    expect(queue.body).toMatchObject({
      errors: [
        { path: '$.connection_string', message: expect.stringContaining('an SQS queue in its own region') },
      ],
    });
  });
});
