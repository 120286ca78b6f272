import { BridgeportError } from '@bridgeport/core';

/** A command line that cannot be run as given (exit code 2). */
export class ArgumentError extends BridgeportError {
  override readonly name: string = 'ArgumentError';
}

/** An operation that cannot start: a store it needs is missing or unreachable (exit code 1). */
export class OperationError extends BridgeportError {
  override readonly name: string = 'OperationError';
}
