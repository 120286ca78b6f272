import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBridgeport as bridgeport, tempDataDir } from './support';

describe('the bridgeport command', () => {
  it('prints its options, each with its environment variable', async () => {
    const result = await bridgeport(['start', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: bridgeport start [options]');
    expect(result.stdout).toContain(
      '--broker-port <value>     producer endpoint port (default 3001); env BRIDGEPORT_BROKER_PORT',
    );
    expect(result.stdout).toContain(
      'AWS-compatible endpoint (DynamoDB, S3, EventBridge, SQS, Schemas, CloudWatch)',
    );
  });

  it('names a malformed option and exits with 2', async () => {
    const result = await bridgeport(['start', '--portal-port', 'http']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bridgeport: --portal-port must be a port number from 0 to 65535, got "http"\nRun "bridgeport start --help" for the options.\n',
    );
  });

  it('says which option to change when a port is taken, and exits with 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const dataDir = await tempDataDir('cli');
    try {
      const result = await bridgeport([
        'start',
        '--data-dir',
        dataDir,
        '--aws-port',
        String(port),
        '--portal-port',
        '0',
        '--broker-port',
        '0',
      ]);

      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `bridgeport: The AWS endpoint cannot listen on 127.0.0.1:${port}: the port is in use. Stop what uses it, or choose another port with --aws-port (or BRIDGEPORT_AWS_PORT).\n`,
      );
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
