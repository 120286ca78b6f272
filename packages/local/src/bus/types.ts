/** Shapes of the local EventBridge, in AWS's own field names (PascalCase) where the API defines them. */

/** An event as EventBridge builds it from a PutEvents entry; keys in AWS's delivery order. */
export interface EventBridgeEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
  /** Set on events a replay put back on the bus: the replay's name. */
  readonly 'replay-name'?: string;
}

/** One PutEvents entry as the API receives it. `Time` may be a Date, epoch seconds or an ISO string. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date | number | string;
  readonly EventBusName?: string;
  readonly TraceHeader?: string;
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: PutEventsResultEntry[];
}

export interface TargetRetryPolicy {
  /** 0–185, default 185. */
  readonly MaximumRetryAttempts?: number;
  /** 60–86400, default 86400. */
  readonly MaximumEventAgeInSeconds?: number;
}

export interface TargetHttpParameters {
  readonly PathParameterValues?: readonly string[];
  readonly HeaderParameters?: Readonly<Record<string, string>>;
  readonly QueryStringParameters?: Readonly<Record<string, string>>;
}

/**
 * A rule target as given to PutTargets. Fields the local runtime does not interpret
 * (RoleArn, SqsParameters, InputTransformer, …) are kept verbatim and returned by ListTargetsByRule.
 */
export interface TargetDefinition {
  readonly Id: string;
  readonly Arn: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly RetryPolicy?: TargetRetryPolicy;
  readonly DeadLetterConfig?: { readonly Arn?: string };
  readonly HttpParameters?: TargetHttpParameters;
  readonly [field: string]: unknown;
}

export const RuleState = {
  ENABLED: 'ENABLED',
  DISABLED: 'DISABLED',
  ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
} as const;
export type RuleState = (typeof RuleState)[keyof typeof RuleState];

/** PutRule's input. */
export interface PutRuleInput {
  readonly Name: string;
  readonly EventBusName?: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
  readonly State?: RuleState;
  readonly Description?: string;
  readonly RoleArn?: string;
}

/** A rule as DescribeRule returns it. */
export interface RuleDescription {
  readonly Name: string;
  readonly Arn: string;
  readonly EventBusName: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
  readonly State: RuleState;
  readonly Description?: string;
  readonly RoleArn?: string;
  readonly CreatedBy: string;
}

export interface EventBusDescription {
  readonly Name: string;
  readonly Arn: string;
  readonly Description?: string;
  /** Epoch milliseconds. */
  readonly CreationTime: number;
  readonly LastModifiedTime: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** Why retries stopped, as EventBridge names it in a dead-letter message. */
export const ExhaustedRetryCondition = {
  MAXIMUM_RETRY_ATTEMPTS: 'MaximumRetryAttempts',
  MAXIMUM_EVENT_AGE: 'MaximumEventAgeInSeconds',
} as const;
export type ExhaustedRetryCondition = (typeof ExhaustedRetryCondition)[keyof typeof ExhaustedRetryCondition];

/** An event that could not be delivered to a target; handed to the dead-letter sink, never dropped. */
export interface DeadLetter {
  readonly eventBusName: string;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn?: string;
  /** The target's DeadLetterConfig.Arn, when it has one. */
  readonly deadLetterArn?: string;
  readonly event: EventBridgeEvent;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** Delivery attempts made, the failed ones included. */
  readonly attempts: number;
  /** Set when retries ran out; absent when the error was not retryable. */
  readonly exhaustedRetryCondition?: ExhaustedRetryCondition;
  /** ISO-8601. */
  readonly failedAt: string;
}

/** Receives dead letters; a throw (or rejection) makes the bus retry the hand-over later. */
export type DeadLetterSink = (deadLetter: DeadLetter) => void | Promise<void>;

/** Outcome of one delivery, reported to observers (metrics, tests, the portal). */
export interface DeliveryReport {
  readonly eventBusName: string;
  readonly ruleName: string;
  readonly targetId: string;
  readonly eventId: string;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'retrying' | 'dead-lettered';
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Delay before the next attempt, for `retrying`. */
  readonly retryInMs?: number;
  /** When the bus took the event in, epoch milliseconds. */
  readonly ingestedAt: number;
  /** For `dead-lettered`: the target's dead-letter queue, when it has one. */
  readonly deadLetterArn?: string;
}
