import { type CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DependencyFailureError,
  DeploymentAction,
  DeploymentStatus,
  type EventsTableItemKey,
  EventsTableKey,
  type ManifestKey,
  PipelineVariable,
  parseManifestKey,
  statusRecordKey,
} from '@bridgeport/core';
import type { Logger } from '@bridgeport/edge';
import { statusUpdateOf } from '@bridgeport/portal/status-update';
import { brokerLogger } from '../logger';

/** EventBridge detail type of CodePipeline's execution state changes. */
export const PIPELINE_EXECUTION_STATE_CHANGE = 'CodePipeline Pipeline Execution State Change';

/** States of a pipeline execution in CodePipeline's state change events. */
export const PipelineExecutionState = {
  STARTED: 'STARTED',
  RESUMED: 'RESUMED',
  STOPPING: 'STOPPING',
  STOPPED: 'STOPPED',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELED: 'CANCELED',
  SUPERSEDED: 'SUPERSEDED',
} as const;
export type PipelineExecutionState = (typeof PipelineExecutionState)[keyof typeof PipelineExecutionState];

/** The parts of a pipeline execution state change event the recorder reads. */
export interface PipelineExecutionEvent {
  readonly 'detail-type': string;
  /** When the state changed (EventBridge's `time`); statuses are ordered by it. */
  readonly time?: string;
  readonly detail: {
    readonly pipeline?: string;
    readonly 'execution-id'?: string;
    readonly state?: string;
  };
}

/** The deployment status an execution state means, per action; `undefined`: nothing to record. */
const STATUS_OF: Readonly<
  Record<DeploymentAction, Readonly<Record<PipelineExecutionState, DeploymentStatus | undefined>>>
> = {
  [DeploymentAction.DEPLOY]: {
    STARTED: DeploymentStatus.DEPLOYING,
    RESUMED: DeploymentStatus.DEPLOYING,
    STOPPING: undefined,
    STOPPED: DeploymentStatus.FAILED,
    SUCCEEDED: DeploymentStatus.ACTIVE,
    FAILED: DeploymentStatus.FAILED,
    CANCELED: DeploymentStatus.FAILED,
    SUPERSEDED: DeploymentStatus.FAILED,
  },
  [DeploymentAction.DESTROY]: {
    STARTED: DeploymentStatus.DELETING,
    RESUMED: DeploymentStatus.DELETING,
    STOPPING: undefined,
    // The portal removes the record when it deletes the manifest; a finished teardown leaves nothing to mark.
    SUCCEEDED: undefined,
    STOPPED: DeploymentStatus.FAILED,
    FAILED: DeploymentStatus.FAILED,
    CANCELED: DeploymentStatus.FAILED,
    SUPERSEDED: DeploymentStatus.FAILED,
  },
};

function isState(value: string | undefined): value is PipelineExecutionState {
  return value !== undefined && Object.values<string>(PipelineExecutionState).includes(value);
}

function isAction(value: string | undefined): value is DeploymentAction {
  return value !== undefined && Object.values<string>(DeploymentAction).includes(value);
}

/** The deployment status of a manifest's stack once its execution reached `state`; `undefined` records nothing. */
export function deploymentStatusOf(
  action: DeploymentAction,
  state: PipelineExecutionState,
): DeploymentStatus | undefined {
  return STATUS_OF[action][state];
}

/** Why a failed execution failed, as the portal shows it in `status_reason`. */
export function failureReason(
  action: DeploymentAction,
  state: PipelineExecutionState,
  executionId: string,
): string {
  const what = action === DeploymentAction.DEPLOY ? 'Deployment' : 'Teardown';
  return `${what} ${state.toLowerCase()} (pipeline execution ${executionId})`;
}

/**
 * The time of a state change event (its top-level `time`) as an ISO-8601 instant with milliseconds, the one
 * format every ordered status write uses; `undefined` when the event has none that parses.
 */
export function eventTimeOf(event: PipelineExecutionEvent): string | undefined {
  if (typeof event.time !== 'string') return undefined;
  const at = new Date(event.time);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

export interface DeploymentStatusRecorderOptions {
  readonly pipelineName: string;
  readonly tableName: string;
  readonly codePipeline: CodePipelineClient;
  readonly dynamo: DynamoDBDocumentClient;
  /** @default brokerLogger */
  readonly logger?: Logger;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

export type DeploymentStatusResult =
  | {
      readonly recorded: true;
      readonly status: DeploymentStatus;
      readonly manifest: ManifestKey;
      readonly action: DeploymentAction;
    }
  | {
      readonly recorded: false;
      readonly reason:
        | 'not-this-pipeline'
        | 'no-status-for-state'
        | 'not-a-deployment'
        | 'record-not-found'
        | 'stale-event';
    };

export interface DeploymentStatusRecorder {
  handle(event: PipelineExecutionEvent): Promise<DeploymentStatusResult>;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The deployment status recorder: on every state change of a deployment pipeline execution, reads the
 * execution's variables (which manifest, which action) and writes the status of the event type version or
 * subscription into the portal's table: `DEPLOYING` → `ACTIVE` | `FAILED` (and `DELETING` for a teardown).
 * EventBridge does not keep events in order and retries a failed delivery later, so each status carries the
 * event's `time`: a status from an older event than the one recorded is ignored (`stale-event`), never
 * written over a newer one. Records that no longer exist are left alone; AWS failures are raised as
 * `DependencyFailureError` so the event is retried.
 */
export function createDeploymentStatusRecorder(
  options: DeploymentStatusRecorderOptions,
): DeploymentStatusRecorder {
  const logger = options.logger ?? brokerLogger;
  const now = options.now ?? (() => new Date());

  /** Whether the record a failed conditional update aimed at exists (then the update was stale). */
  async function recordExists(key: EventsTableItemKey): Promise<boolean> {
    try {
      const result = await options.dynamo.send(
        new GetCommand({
          TableName: options.tableName,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: '#pk',
          ExpressionAttributeNames: { '#pk': EventsTableKey.PARTITION },
        }),
      );
      return result.Item !== undefined;
    } catch (error) {
      logger.error('Cannot read the deployment status record', { error });
      throw new DependencyFailureError('Reading the deployment status record', error);
    }
  }

  return {
    async handle(event) {
      const { pipeline, state } = event.detail ?? {};
      const executionId = event.detail?.['execution-id'];
      if (pipeline !== options.pipelineName || executionId === undefined) {
        return { recorded: false, reason: 'not-this-pipeline' };
      }
      if (!isState(state)) return { recorded: false, reason: 'no-status-for-state' };

      let variables: ReadonlyMap<string, string>;
      try {
        const result = await options.codePipeline.send(
          new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
        );
        variables = new Map(
          (result.pipelineExecution?.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? '']),
        );
      } catch (error) {
        logger.error('Cannot read the pipeline execution', { executionId, error });
        throw new DependencyFailureError('Reading the pipeline execution', error);
      }
      const action = variables.get(PipelineVariable.ACTION);
      const manifest = parseManifestKey(variables.get(PipelineVariable.MANIFEST_KEY) ?? '');
      if (!isAction(action) || manifest === undefined) {
        logger.warn('Execution without a manifest deployment', { executionId, state });
        return { recorded: false, reason: 'not-a-deployment' };
      }
      const status = deploymentStatusOf(action, state);
      if (status === undefined) return { recorded: false, reason: 'no-status-for-state' };
      const reason =
        status === DeploymentStatus.FAILED ? failureReason(action, state, executionId) : undefined;

      const eventAt = eventTimeOf(event);
      if (eventAt === undefined) {
        logger.warn('State change without a time: its status is recorded unordered', { executionId, state });
      }
      const key = statusRecordKey(manifest);
      const context = { executionId, action, state, status, manifest, eventAt };
      try {
        await options.dynamo.send(
          new UpdateCommand({
            TableName: options.tableName,
            ...statusUpdateOf({ key, status, at: now().toISOString(), reason, eventAt, executionId }),
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) {
          logger.error('Cannot record the deployment status', { executionId, error });
          throw new DependencyFailureError('Recording the deployment status', error);
        }
        if (await recordExists(key)) {
          logger.info('Stale deployment status ignored: a later event was recorded', context);
          return { recorded: false, reason: 'stale-event' };
        }
        const log = status === DeploymentStatus.FAILED ? logger.error : logger.info;
        log('No record for the deployment status', context);
        return { recorded: false, reason: 'record-not-found' };
      }
      logger.info('Recorded deployment status', context);
      return { recorded: true, status, manifest, action };
    },
  };
}
