import { BridgeportError, type BridgeportErrorOptions } from '@bridgeport/core';

/** The infrastructure app cannot be built from its input (context, environment variables). */
export class InfrastructureInputError extends BridgeportError {
  override readonly name: string = 'InfrastructureInputError';
  /** The context key or environment variable at fault. */
  readonly setting: string;

  constructor(setting: string, message: string, options: BridgeportErrorOptions = {}) {
    super(message, { ...options, context: { setting, ...(options.context ?? {}) } });
    this.setting = setting;
  }
}

/** A failure of a generator app's input: its message is what the person running `cdk` needs to read. */
export class GeneratorInputError extends BridgeportError {
  override readonly name: string = 'GeneratorInputError';
}
