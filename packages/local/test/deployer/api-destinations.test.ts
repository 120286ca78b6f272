import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiDestinations } from '../../src/deployer/api-destinations';

describe('ApiDestinations', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-destinations-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('calls loopback https endpoints over plain http, others as configured, and keeps them across a reopen', async () => {
    const file = path.join(dir, 'destinations.json');
    const destinations = await ApiDestinations.open(file);
    await destinations.put('arn:local', 'https://127.0.0.1:4000/hook?x=1');
    await destinations.put('arn:named', 'https://localhost:4001/hook');
    await destinations.put('arn:remote', 'https://consumer.example.com/hook');

    const reopened = await ApiDestinations.open(file);

    expect(reopened.resolve('arn:local')).toBe('http://127.0.0.1:4000/hook?x=1');
    expect(reopened.resolve('arn:named')).toBe('http://localhost:4001/hook');
    expect(reopened.resolve('arn:remote')).toBe('https://consumer.example.com/hook');
    expect(reopened.resolve('arn:unknown')).toBeUndefined();
  });

  it('keeps every endpoint put at the same time', async () => {
    const file = path.join(dir, 'concurrent.json');
    const destinations = await ApiDestinations.open(file);

    await Promise.all(
      Array.from({ length: 20 }, (_, n) => destinations.put(`arn:${n}`, `https://consumer.example.com/${n}`)),
    );
    const reopened = await ApiDestinations.open(file);

    expect(Array.from({ length: 20 }, (_, n) => reopened.resolve(`arn:${n}`))).toEqual(
      Array.from({ length: 20 }, (_, n) => `https://consumer.example.com/${n}`),
    );
  });

  it('keeps TLS to loopback hosts when asked to', async () => {
    const destinations = await ApiDestinations.open(path.join(dir, 'tls.json'), { loopbackTls: true });
    await destinations.put('arn:local', 'https://127.0.0.1:4000/hook');

    expect(destinations.resolve('arn:local')).toBe('https://127.0.0.1:4000/hook');
  });
});
