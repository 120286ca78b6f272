/** Listening on a port the user chose, with a clear error naming the option to change when it is taken. */
import type { Server } from 'node:http';
import { listen } from '../http/server';
import { OPTION_SPECS } from '../options';
import { errorCode, PortInUseError } from './errors';

/** The options that choose a port. */
type PortOption = 'portalPort' | 'brokerPort' | 'awsPort';

/** Starts something that listens on `host:port`; a port in use is a `PortInUseError` naming `option`. */
export async function startOrExplain<T>(
  start: () => Promise<T>,
  name: string,
  host: string,
  port: number,
  option: PortOption,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (errorCode(error) === 'EADDRINUSE')
      throw new PortInUseError(name, `${host}:${port}`, OPTION_SPECS[option], error);
    throw error;
  }
}

/** Listens on `host:port`; a port in use is a `PortInUseError` naming `option`. */
export function listenOrExplain(
  server: Server,
  name: string,
  host: string,
  port: number,
  option: PortOption,
): Promise<number> {
  return startOrExplain(() => listen(server, port, host), name, host, port, option);
}
