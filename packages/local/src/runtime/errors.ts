/** Base error of the local runtime: something the person starting it can act on. */
export class RuntimeError extends Error {
  override readonly name: string = 'RuntimeError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** A server could not listen: the message names the option (flag and variable) to change. */
export class PortInUseError extends RuntimeError {
  override readonly name = 'PortInUseError';

  constructor(
    readonly server: string,
    readonly address: string,
    readonly option: { readonly flag: string; readonly env: string },
    cause?: unknown,
  ) {
    super(
      `The ${server} cannot listen on ${address}: the port is in use. Stop what uses it, or choose another port with --${option.flag} (or ${option.env}).`,
      { cause },
    );
  }
}

/** Another runtime already uses the data directory. */
export class DataDirectoryLockedError extends RuntimeError {
  override readonly name = 'DataDirectoryLockedError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Data directory ${dataDir} is in use by another Bridgeport (process ${pid}). Stop it, or choose another directory with --data-dir (or BRIDGEPORT_DATA_DIR).`,
    );
  }
}

/** The code of a Node system error (`EADDRINUSE`, `ENOENT`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
