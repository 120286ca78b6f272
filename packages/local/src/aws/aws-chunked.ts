import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/** True when the request body uses S3's `aws-chunked` framing (SigV4 streaming uploads). */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = headers['x-amz-content-sha256'];
  const encoding = headers['content-encoding'];
  return (
    (typeof sha === 'string' && sha.startsWith('STREAMING-')) ||
    (typeof encoding === 'string' && encoding.split(',').some((value) => value.trim() === 'aws-chunked'))
  );
}

/**
 * The headers to forward once the body is decoded: the decoded length as Content-Length, the
 * `aws-chunked` content coding and the trailer declaration removed.
 */
export function decodedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = { ...headers };
  const decodedLength = headers['x-amz-decoded-content-length'];
  delete result['transfer-encoding'];
  delete result['x-amz-trailer'];
  delete result['x-amz-decoded-content-length'];
  if (typeof decodedLength === 'string') result['content-length'] = decodedLength;
  else delete result['content-length'];
  const encodings = (typeof headers['content-encoding'] === 'string' ? headers['content-encoding'] : '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '' && value !== 'aws-chunked');
  if (encodings.length > 0) result['content-encoding'] = encodings.join(', ');
  else delete result['content-encoding'];
  result['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return result;
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0…\r\n[trailers]\r\n`)
 * into the plain object bytes. Chunk signatures and trailing checksums are dropped.
 */
export class AwsChunkedDecoder extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'header' | 'data' | 'data-end' | 'trailer' | 'done' = 'header';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done' && this.state !== 'trailer') {
      callback(new Error('Truncated aws-chunked body'));
      return;
    }
    callback();
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'header') {
        const end = this.buffer.indexOf(CRLF);
        if (end < 0) return;
        const line = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 2);
        const size = Number.parseInt(line.split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0)
          throw new Error(`Malformed aws-chunked chunk header: ${line.slice(0, 64)}`);
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'data';
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
      } else if (this.state === 'data-end') {
        if (this.buffer.length < 2) return;
        this.buffer = this.buffer.subarray(2);
        this.state = 'header';
      } else if (this.state === 'trailer') {
        const end = this.buffer.indexOf(CRLF);
        if (end < 0) return;
        const line = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end + 2);
        if (line.length === 0) this.state = 'done';
      } else {
        this.buffer = Buffer.alloc(0);
        return;
      }
    }
  }
}
