import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from '../../src/index';

async function decode(parts: Buffer[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(parts).pipe(new AwsChunkedDecoder())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('AwsChunkedDecoder', () => {
  const signed = Buffer.from(
    '5;chunk-signature=aaaa\r\nhello\r\n6;chunk-signature=bbbb\r\n world\r\n0;chunk-signature=cccc\r\n\r\n',
  );
  const withTrailer = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n');

  it('strips chunk framing and signatures', async () => {
    expect((await decode([signed])).toString()).toBe('hello world');
  });

  it('strips the trailing checksum of an unsigned streaming upload', async () => {
    expect((await decode([withTrailer])).toString()).toBe('abc');
  });

  it('decodes the same bytes however the body is split', async () => {
    const bytes = [...signed].map((byte) => Buffer.from([byte]));

    expect((await decode(bytes)).toString()).toBe('hello world');
  });

  it('fails on a truncated body', async () => {
    await expect(decode([Buffer.from('5\r\nhel')])).rejects.toThrow('Truncated aws-chunked body');
  });
});
