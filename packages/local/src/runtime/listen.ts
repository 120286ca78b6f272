/** Listening on a port the user chose, with a clear error naming the option to change when it is taken. */
import type { Server } from 'node:http';
import { listen } from '../http/server';
import { OPTION_SPECS } from '../options';
import { errorCode, PortInUseError } from './errors';

/** Listens on `host:port`; a port in use is a `PortInUseError` naming `option`. */
export async function listenOrExplain(
  server: Server,
  name: string,
  host: string,
  port: number,
  option: 'portalPort' | 'brokerPort',
): Promise<number> {
  try {
    return await listen(server, port, host);
  } catch (error) {
    if (errorCode(error) === 'EADDRINUSE')
      throw new PortInUseError(name, `${host}:${port}`, OPTION_SPECS[option], error);
    throw error;
  }
}
