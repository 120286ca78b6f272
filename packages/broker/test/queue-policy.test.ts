import {
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { silentLogger } from '@bridgeport/edge';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parseQueuePolicy, withoutStatement, withStatement } from '../src/queue-policy';
import { handleQueuePolicyStatementEvent } from '../src/queue-policy-resource';
import { type CustomResourceRequestType, customResourceEvent } from './support/custom-resource-events';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/warehouse-north-parcels';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:warehouse-north-parcels';
const RULE_ARN =
  'arn:aws:events:eu-west-1:123456789012:rule/dev.custom.events.bus/dev-parcel_registered-v1-p8r2t6w4y0cd';

const ownerStatement = {
  Sid: 'OwnerSends',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/warehouse' },
  Action: 'sqs:SendMessage',
  Resource: QUEUE_ARN,
};
const otherSubscription = {
  Sid: 'BridgeportOther',
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: QUEUE_ARN,
  Condition: {
    ArnEquals: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:123456789012:rule/dev.custom.events.bus/other' },
  },
};
const statement = {
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: QUEUE_ARN,
  Condition: { ArnEquals: { 'aws:SourceArn': RULE_ARN } },
};
const SID = 'BridgeportDevparcelregisteredv1p8r2t6w4y0cd';
const ours = { ...statement, Sid: SID };

const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Id: 'owner-policy', Statement: statements });

describe('queue policy merging', () => {
  it('reads a missing or empty policy as no statements', () => {
    expect(parseQueuePolicy(undefined)).toEqual({ Version: '2012-10-17', Statement: [] });
    expect(parseQueuePolicy('')).toEqual({ Version: '2012-10-17', Statement: [] });
  });

  it('reads a single statement written as an object as a list of one', () => {
    expect(parseQueuePolicy(JSON.stringify({ Version: '2012-10-17', Statement: ownerStatement }))).toEqual({
      Version: '2012-10-17',
      Statement: [ownerStatement],
    });
  });

  it('appends a new statement and keeps the others and the policy id', () => {
    const merged = withStatement(parseQueuePolicy(policy(ownerStatement, otherSubscription)), ours);

    expect(merged).toEqual({
      Version: '2012-10-17',
      Id: 'owner-policy',
      Statement: [ownerStatement, otherSubscription, ours],
    });
  });

  it('replaces a statement with the same Sid in place', () => {
    const stale = { ...ours, Condition: { ArnEquals: { 'aws:SourceArn': 'old' } } };

    const merged = withStatement(parseQueuePolicy(policy(stale, ownerStatement)), ours);

    expect(merged.Statement).toEqual([ours, ownerStatement]);
  });

  it('removes only the statement with the Sid', () => {
    const removed = withoutStatement(parseQueuePolicy(policy(ownerStatement, ours, otherSubscription)), SID);

    expect(removed.Statement).toEqual([ownerStatement, otherSubscription]);
  });
});

describe('handleQueuePolicyStatementEvent', () => {
  const sqs = new SQSClient({ region: 'eu-west-1' });
  const sqsMock = mockClient(sqs);
  const options = { sqs, logger: silentLogger };
  const properties = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
    QueueUrl: QUEUE_URL,
    Sid: SID,
    Statement: JSON.stringify(statement),
  };

  function event(
    requestType: CustomResourceRequestType,
    overrides: Record<string, string> = {},
  ): CloudFormationCustomResourceEvent {
    return customResourceEvent(requestType, {
      stackId:
        'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-consumer-parcel-registered-v1-p8r2t6w4y0cd/1',
      requestId: 'req-1',
      logicalResourceId: 'QueuePolicyStatement',
      resourceType: 'Custom::BridgeportQueuePolicyStatement',
      properties: { ...properties, ...overrides },
      oldProperties: properties,
      physicalResourceId: `${QUEUE_URL}#${SID}`,
    });
  }

  const written = () =>
    sqsMock.commandCalls(SetQueueAttributesCommand).map((call) => {
      const text = call.args[0].input.Attributes?.Policy ?? '';
      return text === '' ? '' : JSON.parse(text);
    });

  beforeEach(() => sqsMock.reset());

  it('adds its statement to the existing policy on create, keeping the owner and other subscriptions', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { Policy: policy(ownerStatement, otherSubscription) } });
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    const response = await handleQueuePolicyStatementEvent(event('Create'), options);

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `${QUEUE_URL}#${SID}`,
      StackId: event('Create').StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'QueuePolicyStatement',
    });
    expect(sqsMock.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: ['Policy'],
    });
    expect(sqsMock.commandCalls(SetQueueAttributesCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(written()).toEqual([
      { Version: '2012-10-17', Id: 'owner-policy', Statement: [ownerStatement, otherSubscription, ours] },
    ]);
  });

  it('writes a new policy with only its statement on a queue without one', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    await handleQueuePolicyStatementEvent(event('Create'), options);

    expect(written()).toEqual([{ Version: '2012-10-17', Statement: [ours] }]);
  });

  it('writes nothing when a retried request finds its statement already there', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { Policy: policy(ownerStatement, ours) } });

    const response = await handleQueuePolicyStatementEvent(event('Create'), options);

    expect(response.Status).toBe('SUCCESS');
    expect(sqsMock.commandCalls(SetQueueAttributesCommand)).toHaveLength(0);
  });

  it('replaces its statement on update', async () => {
    const moved = { ...statement, Condition: { ArnEquals: { 'aws:SourceArn': `${RULE_ARN}-2` } } };
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { Policy: policy(ours, ownerStatement) } });
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    await handleQueuePolicyStatementEvent(event('Update', { Statement: JSON.stringify(moved) }), options);

    expect(written()).toEqual([
      { Version: '2012-10-17', Id: 'owner-policy', Statement: [{ ...moved, Sid: SID }, ownerStatement] },
    ]);
  });

  it('removes only its statement on delete', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { Policy: policy(ownerStatement, ours, otherSubscription) } });
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    const response = await handleQueuePolicyStatementEvent(event('Delete'), options);

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${QUEUE_URL}#${SID}` });
    expect(written()).toEqual([
      { Version: '2012-10-17', Id: 'owner-policy', Statement: [ownerStatement, otherSubscription] },
    ]);
  });

  it('removes the policy when its statement was the last one', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { Policy: policy(ours) } });
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    await handleQueuePolicyStatementEvent(event('Delete'), options);

    expect(written()).toEqual(['']);
  });

  it('writes nothing on a retried delete that finds its statement gone', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { Policy: policy(ownerStatement) } });

    const response = await handleQueuePolicyStatementEvent(event('Delete'), options);

    expect(response.Status).toBe('SUCCESS');
    expect(sqsMock.commandCalls(SetQueueAttributesCommand)).toHaveLength(0);
  });

  it('lets the deletion succeed when the queue no longer exists', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));

    const response = await handleQueuePolicyStatementEvent(event('Delete'), options);

    expect(response.Status).toBe('SUCCESS');
  });

  it('fails with the reason when the queue refuses the change', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .rejects(Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' }));

    const response = await handleQueuePolicyStatementEvent(event('Create'), options);

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Changing the queue policy failed: Access to the resource is denied.',
      PhysicalResourceId: 'failed-req-1',
    });
  });

  it('refuses a Sid that is not letters and digits, and a statement that is not an object', async () => {
    const badSid = await handleQueuePolicyStatementEvent(event('Create', { Sid: 'bridge-port' }), options);
    const badStatement = await handleQueuePolicyStatementEvent(
      event('Create', { Statement: '[1]' }),
      options,
    );

    expect(badSid.Reason).toBe(
      'Changing the queue policy failed: Property Sid must be 1 to 100 letters and digits, got bridge-port',
    );
    expect(badStatement.Reason).toBe(
      'Changing the queue policy failed: Property Statement must be a JSON object',
    );
    expect(sqsMock.calls()).toHaveLength(0);
  });
});
