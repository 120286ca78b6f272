import { CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyFailureError } from '@bridgeport/core';
import { silentLogger } from '@bridgeport/edge';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeploymentStatusConfig } from '../../src/deployment/config';
import {
  createDeploymentStatusRecorder,
  type DeploymentStatusRecorder,
  deploymentStatusOf,
} from '../../src/deployment/status';

const PIPELINE = 'dev-components-deployment-pipeline';
const TABLE = 'dev-self-service-events-table';
const NOW = new Date('2026-11-26T07:00:00.000Z');
const codePipelineMock = mockClient(CodePipelineClient);
const dynamoMock = mockClient(DynamoDBDocumentClient);

const EVENT_TIME = '2026-11-26T06:59:58Z';

function stateChange(state: string, pipeline = PIPELINE, time: string | null = EVENT_TIME) {
  return {
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    ...(time === null ? {} : { time }),
    detail: { pipeline, 'execution-id': 'exec-7', state },
  };
}

function execution(key: string, action: string) {
  codePipelineMock.on(GetPipelineExecutionCommand).resolves({
    pipelineExecution: {
      pipelineName: PIPELINE,
      pipelineExecutionId: 'exec-7',
      variables: [
        { name: 'MANIFEST_BUCKET', resolvedValue: 'bucket' },
        { name: 'MANIFEST_KEY', resolvedValue: key },
        { name: 'ACTION', resolvedValue: action },
        { name: 'COMPONENT', resolvedValue: key.split('/').length === 3 ? 'producer' : 'consumer' },
      ],
    },
  });
}

function conditionFailure(): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });
}

describe('deploymentStatusOf', () => {
  it.each([
    ['deploy', 'STARTED', 'DEPLOYING'],
    ['deploy', 'SUCCEEDED', 'ACTIVE'],
    ['deploy', 'FAILED', 'FAILED'],
    ['deploy', 'STOPPED', 'FAILED'],
    ['deploy', 'SUPERSEDED', 'FAILED'],
    ['deploy', 'STOPPING', undefined],
    ['destroy', 'STARTED', 'DELETING'],
    ['destroy', 'SUCCEEDED', undefined],
    ['destroy', 'FAILED', 'FAILED'],
  ] as const)('maps %s %s to %s', (action, state, status) => {
    expect(deploymentStatusOf(action, state)).toBe(status);
  });
});

describe('createDeploymentStatusRecorder', () => {
  let recorder: DeploymentStatusRecorder;

  beforeEach(() => {
    codePipelineMock.reset();
    dynamoMock.reset();
    recorder = createDeploymentStatusRecorder({
      pipelineName: PIPELINE,
      tableName: TABLE,
      codePipeline: new CodePipelineClient({ region: 'eu-west-1' }),
      dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      logger: silentLogger,
      now: () => NOW,
    });
  });

  it('marks the producer of an event type version ACTIVE when its deployment succeeds', async () => {
    execution('parcel_registered/12/deploy.json', 'deploy');
    dynamoMock.on(UpdateCommand).resolves({});

    const result = await recorder.handle(stateChange('SUCCEEDED'));

    expect(result).toMatchObject({ recorded: true, status: 'ACTIVE' });
    expect(codePipelineMock.commandCalls(GetPipelineExecutionCommand)[0]?.args[0].input).toEqual({
      pipelineName: PIPELINE,
      pipelineExecutionId: 'exec-7',
    });
    expect(dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { PK: 'EVENT_TYPE#parcel_registered', SK: 'VERSION#0000000012' },
      UpdateExpression:
        'SET #status = :status, #at = :at, #eventAt = :eventAt, #execution = :execution REMOVE #reason',
      ConditionExpression:
        'attribute_exists(#pk) AND (attribute_not_exists(#eventAt) OR #eventAt <= :eventAt)',
      ExpressionAttributeNames: {
        '#pk': 'PK',
        '#status': 'status',
        '#reason': 'status_reason',
        '#at': 'status_updated_at',
        '#eventAt': 'status_event_at',
        '#execution': 'status_execution_id',
      },
      ExpressionAttributeValues: {
        ':status': 'ACTIVE',
        ':at': '2026-11-26T07:00:00.000Z',
        ':eventAt': '2026-11-26T06:59:58.000Z',
        ':execution': 'exec-7',
      },
    });
  });

  it('marks a subscription DEPLOYING when its deployment starts', async () => {
    execution('parcel_registered/1/abcdef123456/deploy.json', 'deploy');
    dynamoMock.on(UpdateCommand).resolves({});

    await recorder.handle(stateChange('STARTED'));

    const input = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ PK: 'SUBSCRIPTION#abcdef123456', SK: '#META' });
    expect(input?.ExpressionAttributeNames?.['#at']).toBe('updated_at');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':status': 'DEPLOYING',
      ':at': '2026-11-26T07:00:00.000Z',
      ':eventAt': '2026-11-26T06:59:58.000Z',
      ':execution': 'exec-7',
    });
  });

  it('records FAILED with the reason naming the execution', async () => {
    execution('parcel_registered/1/abcdef123456/deploy.json', 'deploy');
    dynamoMock.on(UpdateCommand).resolves({});

    await recorder.handle(stateChange('FAILED'));

    const input = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe(
      'SET #status = :status, #at = :at, #reason = :reason, #eventAt = :eventAt, #execution = :execution',
    );
    expect(input?.ExpressionAttributeValues).toEqual({
      ':status': 'FAILED',
      ':at': '2026-11-26T07:00:00.000Z',
      ':reason': 'Deployment failed (pipeline execution exec-7)',
      ':eventAt': '2026-11-26T06:59:58.000Z',
      ':execution': 'exec-7',
    });
  });

  it('writes nothing when a teardown succeeds', async () => {
    execution('parcel_registered/1/deploy.json', 'destroy');

    const result = await recorder.handle(stateChange('SUCCEEDED'));

    expect(result).toEqual({ recorded: false, reason: 'no-status-for-state' });
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('leaves records alone that the portal already removed', async () => {
    execution('parcel_registered/1/deploy.json', 'destroy');
    dynamoMock.on(UpdateCommand).rejects(conditionFailure());
    dynamoMock.on(GetCommand).resolves({});

    const result = await recorder.handle(stateChange('FAILED'));

    expect(result).toEqual({ recorded: false, reason: 'record-not-found' });
  });

  it('ignores a state change older than the status already recorded', async () => {
    execution('parcel_registered/1/deploy.json', 'deploy');
    dynamoMock.on(UpdateCommand).rejects(conditionFailure());
    dynamoMock.on(GetCommand).resolves({ Item: { PK: 'EVENT_TYPE#parcel_registered' } });

    const result = await recorder.handle(stateChange('STARTED'));

    expect(result).toEqual({ recorded: false, reason: 'stale-event' });
    expect(dynamoMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      Key: { PK: 'EVENT_TYPE#parcel_registered', SK: 'VERSION#0000000001' },
      ConsistentRead: true,
    });
  });

  it('records a state change without a time unordered', async () => {
    execution('parcel_registered/1/deploy.json', 'deploy');
    dynamoMock.on(UpdateCommand).resolves({});

    const result = await recorder.handle(stateChange('SUCCEEDED', PIPELINE, null));

    const input = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(result).toMatchObject({ recorded: true, status: 'ACTIVE' });
    expect(input?.ConditionExpression).toBe('attribute_exists(#pk)');
    expect(input?.ExpressionAttributeValues).not.toHaveProperty(':eventAt');
  });

  it('ignores executions of another pipeline without reading them', async () => {
    const result = await recorder.handle(stateChange('SUCCEEDED', 'someone-elses-pipeline'));

    expect(result).toEqual({ recorded: false, reason: 'not-this-pipeline' });
    expect(codePipelineMock.commandCalls(GetPipelineExecutionCommand)).toHaveLength(0);
  });

  it('ignores an execution whose variables name no manifest', async () => {
    execution('somewhere/else.json', 'deploy');

    const result = await recorder.handle(stateChange('SUCCEEDED'));

    expect(result).toEqual({ recorded: false, reason: 'not-a-deployment' });
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('raises a dependency failure when the table cannot be written, so the event is retried', async () => {
    execution('parcel_registered/1/deploy.json', 'deploy');
    dynamoMock
      .on(UpdateCommand)
      .rejects(
        Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }),
      );

    const handled = recorder.handle(stateChange('SUCCEEDED'));

    await expect(handled).rejects.toBeInstanceOf(DependencyFailureError);
    await expect(handled).rejects.toThrow('Recording the deployment status failed');
  });

  it('raises a dependency failure when the execution cannot be read', async () => {
    codePipelineMock.on(GetPipelineExecutionCommand).rejects(new Error('AccessDenied'));

    await expect(recorder.handle(stateChange('STARTED'))).rejects.toThrow(
      'Reading the pipeline execution failed',
    );
  });
});

describe('readDeploymentStatusConfig', () => {
  it('reads the pipeline and the table', () => {
    expect(
      readDeploymentStatusConfig({ DEPLOYMENT_PIPELINE_NAME: PIPELINE, EVENTS_TABLE_NAME: TABLE }),
    ).toEqual({ pipelineName: PIPELINE, tableName: TABLE });
  });

  it('names the missing variable', () => {
    expect(() => readDeploymentStatusConfig({ DEPLOYMENT_PIPELINE_NAME: PIPELINE })).toThrow(
      'Environment variable EVENTS_TABLE_NAME is not set',
    );
  });
});
