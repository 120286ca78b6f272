import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { AwsChunkedDecoder, decodedHeaders, isAwsChunked } from './aws-chunked';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** Request headers without the hop-by-hop ones, ready to forward. */
export function forwardedHeaders(request: IncomingMessage): http.IncomingHttpHeaders {
  const headers = { ...request.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}

/** A buffered answer of a loopback backend. */
export interface Buffered {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends one buffered request to a loopback backend. */
export function send(
  port: number,
  agent: http.Agent,
  request: http.RequestOptions,
  body: Buffer,
): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    const upstream = http.request({ ...request, host: '127.0.0.1', port, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** Forwards a request to a loopback backend; bodies stream through (aws-chunked uploads are decoded). */
export function proxy(
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  agent: http.Agent,
): void {
  let headers = forwardedHeaders(request);
  let body: Readable = request;
  if (isAwsChunked(request.headers)) {
    headers = decodedHeaders(headers);
    body = request.pipe(new AwsChunkedDecoder());
    body.on('error', () => request.destroy());
  }
  const upstream = http.request(
    { host: '127.0.0.1', port, method: request.method, path: request.url, headers, agent },
    (upstreamResponse) => {
      const raw: string[] = [];
      for (let i = 0; i < upstreamResponse.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(upstreamResponse.rawHeaders[i].toLowerCase())) {
          raw.push(upstreamResponse.rawHeaders[i], upstreamResponse.rawHeaders[i + 1]);
        }
      }
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.statusMessage, raw);
      upstreamResponse.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (!response.headersSent) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('The local service is not available.');
    } else {
      response.destroy();
    }
  });
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  body.pipe(upstream);
}
