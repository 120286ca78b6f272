/**
 * The floor of `pnpm bench:e2e`: the least a durable HTTP relay must do, with nothing else.
 * `POST /…` → `JSON.parse` → append to a log with group `fdatasync` (the bus's own GroupCommitFile) → `200` → `POST`
 * of the event to the consumer over a keep-alive connection. Bridgeport's throughput and CPU per event are quoted as
 * ratios to this, measured on the same machine, with the same load generator, in the same run.
 *
 * Usage: `relay.ts <data-dir> <consumer-url>`; prints `Relay ready http://127.0.0.1:<port>` once listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GroupCommitFile } from '../src/bus/durable-file';

async function main(): Promise<void> {
  const [dataDir, consumer] = process.argv.slice(2);
  if (!dataDir || !consumer) throw new Error('usage: relay.ts <data-dir> <consumer-url>');
  const log = await GroupCommitFile.open(path.join(dataDir, 'relay.log'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(consumer);
  let seq = 0;

  const deliver = (body: string): void => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
      },
    );
    req.on('error', () => undefined);
    req.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const id = ++seq;
      log.append(`${JSON.stringify({ seq: id, at: Date.now(), event })}\n`).then(
        () => {
          const answer = `{"id":${id}}`;
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
          res.end(answer);
          deliver(`{"id":${id},"detail":${text}}`);
        },
        () => {
          res.writeHead(500).end();
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`Relay ready http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    agent.destroy();
    void log.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
