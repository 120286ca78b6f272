/**
 * Errors of the local SQS, named after AWS's error shapes. `code` is the shape name (`__type` of an AWS JSON
 * 1.0 answer, the SDK's exception name); `queryCode` is the legacy query-protocol code AWS also sends in the
 * `x-amzn-query-error` header (e.g. `AWS.SimpleQueueService.NonExistentQueue`).
 */
export const SqsErrorCode = {
  QUEUE_DOES_NOT_EXIST: 'QueueDoesNotExist',
  QUEUE_NAME_EXISTS: 'QueueNameExists',
  INVALID_ATTRIBUTE_NAME: 'InvalidAttributeName',
  INVALID_ATTRIBUTE_VALUE: 'InvalidAttributeValue',
  INVALID_PARAMETER_VALUE: 'InvalidParameterValue',
  MISSING_PARAMETER: 'MissingParameter',
  RECEIPT_HANDLE_IS_INVALID: 'ReceiptHandleIsInvalid',
  MESSAGE_NOT_INFLIGHT: 'MessageNotInflight',
  EMPTY_BATCH_REQUEST: 'EmptyBatchRequest',
  TOO_MANY_ENTRIES_IN_BATCH_REQUEST: 'TooManyEntriesInBatchRequest',
  BATCH_ENTRY_IDS_NOT_DISTINCT: 'BatchEntryIdsNotDistinct',
  INVALID_BATCH_ENTRY_ID: 'InvalidBatchEntryId',
  BATCH_REQUEST_TOO_LONG: 'BatchRequestTooLong',
  UNSUPPORTED_OPERATION: 'UnsupportedOperation',
  /** The caller may not act on the queue (its policy does not allow it): HTTP 403, query code `AccessDenied`. */
  ACCESS_DENIED: 'AccessDeniedException',
} as const;
export type SqsErrorCode = (typeof SqsErrorCode)[keyof typeof SqsErrorCode];

const QUERY_CODES: Record<SqsErrorCode, readonly [string, number]> = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidParameterValue: ['InvalidParameterValue', 400],
  MissingParameter: ['MissingParameter', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  AccessDeniedException: ['AccessDenied', 403],
};

/** Base error of the local SQS. */
export class SqsError extends Error {
  override readonly name: string = 'SqsError';
  /** The legacy query-protocol code. */
  readonly queryCode: string;
  readonly statusCode: number;

  constructor(
    readonly code: SqsErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    [this.queryCode, this.statusCode] = QUERY_CODES[code];
  }
}

export class QueueDoesNotExistError extends SqsError {
  override readonly name = 'QueueDoesNotExistError';
  constructor(queueName: string) {
    super(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.', { queueName });
  }
}
