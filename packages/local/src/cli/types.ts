/** One verb of the `bridgeport` command. */
export interface CliCommand {
  /** The verb as typed: `bridgeport <name> …`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Runs the verb with the arguments after it; resolves to the process exit code. */
  run(args: readonly string[]): Promise<number>;
}
