import { request as httpRequest } from 'node:http';
import { portalRoutes } from '@bridgeport/portal';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType,
  envelope,
  producerKey,
  startSuiteRuntime,
  TEST_ADMIN,
  type TestRuntime,
  tokenFor,
} from './support';

/** A small, fast PRNG with a fixed seed: every run sends the same requests. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** One request with exactly these bytes (fetch would refuse some of them: bad escapes, odd methods). */
function send(
  base: string,
  method: string,
  target: string,
  body: Buffer | undefined,
  contentType: string | undefined,
  authorization: string | undefined,
  apiKey?: string,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: target,
        headers: {
          ...(contentType === undefined ? {} : { 'content-type': contentType }),
          ...(authorization === undefined ? {} : { authorization }),
          ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }),
          ...(body === undefined ? {} : { 'content-length': body.length }),
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const ODD_STRINGS = [
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\ud800',
  '\u202e\u0041',
  '😀'.repeat(50),
  'a'.repeat(300),
  '../../etc/passwd',
  '%E0%A4%A',
  '\u0024{jndi:ldap://x}',
  'DROP TABLE',
  ' ',
];
/** Percent-encodes `text`; a lone surrogate becomes the bytes of one, which no server can decode. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

const BAD_SEGMENTS = [
  '%E0%A4%A',
  '%zz',
  '%',
  '%C0%AF',
  '__proto__',
  'constructor',
  '..',
  'x'.repeat(300),
  '%00',
];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/vnd.api+json',
  '',
];

/** Generates hostile request parts from a seeded PRNG. */
class Hostile {
  constructor(readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  key(): string {
    return this.random() < 0.4 ? this.pick(ODD_STRINGS) : `k${this.int(20)}`;
  }

  value(depth: number): unknown {
    const roll = this.int(depth > 6 ? 6 : 9);
    switch (roll) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.5]);
      case 3:
        return this.pick(ODD_STRINGS);
      case 4:
        return 'x'.repeat(this.int(5000));
      case 5:
        return `s${this.int(100)}`;
      case 6:
      case 7: {
        const object: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) {
          Object.defineProperty(object, this.key(), {
            value: this.value(depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return object;
      }
      default:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
    }
  }

  /** A body close to what the route expects, with one part broken. */
  shaped(): unknown {
    const base: Record<string, unknown> = this.pick([
      {
        application: 'fuzz-team',
        event_type: `fz_${this.int(1000)}`,
        description: 'd',
        connection_type: 'HTTPS',
        data: { type: 'object' },
      },
      {
        event_type: 'fuzz_parcel',
        version: 1,
        connection_type: 'HTTPS',
        connection_string: 'https://x.test/',
      },
      { data: { type: 'object', properties: { a: { type: 'string' } } } },
      envelope('north', { parcel_id: 'P-1', weight_kg: 1 }),
    ]);
    const broken = { ...base };
    // One known field gets a random value, and one field no route knows is added: never a valid request.
    for (const field of [
      this.pick(Object.keys(base)),
      this.pick(['__proto__', 'constructor', 'toString', 'source', 'detail-type', 'id']),
    ]) {
      Object.defineProperty(broken, field, {
        value: this.value(0),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return broken;
  }

  body(): Buffer | undefined {
    const roll = this.int(24);
    switch (roll) {
      case 0:
        return undefined;
      case 1: {
        const text = JSON.stringify(this.shaped());
        return Buffer.from(text.slice(0, this.int(text.length)));
      }
      case 2: {
        const depth = this.pick([65, 66, 200, 10_000]);
        return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      }
      case 3: {
        const depth = this.pick([64, 100, 3000]);
        return Buffer.from(`{"data":${'{"properties":{"x":'.repeat(depth)}{}${'}}'.repeat(depth)}}`);
      }
      case 4:
        return Buffer.from(Array.from({ length: this.int(200) }, () => this.int(256)));
      case 5:
        return Buffer.from(`{"a":"${'\\ud800'.repeat(this.int(10))}\\u0000","__proto__":{"polluted":true}}`);
      case 6:
        return Buffer.from(JSON.stringify({ s: 'y'.repeat(this.pick([70_000, 1_100_000])) }));
      case 7:
        return Buffer.from(
          `{"data":{"type":"string","enum":[${Array.from({ length: 50_000 }, (_, i) => i).join(',')}]}}`,
        );
      default:
        return Buffer.from(JSON.stringify(this.random() < 0.5 ? this.shaped() : this.value(0)));
    }
  }

  segment(real: readonly string[]): string {
    return this.random() < 0.5 ? this.pick(BAD_SEGMENTS) : encode(this.pick([...real, this.key()]));
  }

  query(): string {
    const parts = [
      `limit=${this.pick(['0', '-1', '101', 'abc', '1e3', '25', '%E0%A4%A'])}`,
      `next_token=${this.pick([
        'x',
        Buffer.from('{"PK":"x"}').toString('base64url'),
        Buffer.from('{"__proto__":{"a":1}}').toString('base64url'),
        'A'.repeat(3000),
        '%zz',
      ])}`,
      `application=${this.pick(ODD_STRINGS.map(encode))}`,
    ];
    return this.random() < 0.5 ? '' : `?${parts.filter(() => this.random() < 0.6).join('&')}`;
  }
}

/** What the portal lists: compared before and after the attack. */
async function snapshot(portalUrl: string): Promise<string> {
  const parts = await Promise.all(
    ['/events', '/subscriptions', '/events/fuzz_parcel', '/events/fuzz_parcel/versions/1'].map(
      async (route) => {
        const response = await call('GET', `${portalUrl}${route}`);
        return [route, response.status, response.body] as const;
      },
    ),
  );
  return JSON.stringify(parts);
}

describe('a running runtime under hostile input', () => {
  let suite: TestRuntime;
  let runtime: Bridgeport;
  const lines: string[] = [];

  /** Times GET /health every 25 ms while `attack` runs; returns the slowest answer (ms) and how many. */
  const whileTimingHealth = async (attack: () => Promise<void>): Promise<{ max: number; count: number }> => {
    let running = true;
    const timings: number[] = [];
    const probe = (async () => {
      while (running) {
        const started = performance.now();
        const response = await fetch(`${runtime.portalUrl}/health`);
        await response.text();
        expect(response.status).toBe(200);
        timings.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      await attack();
    } finally {
      running = false;
      await probe;
    }
    return { max: Math.max(...timings), count: timings.length };
  };

  beforeAll(async () => {
    suite = await startSuiteRuntime('hostile', { environment: 'fz', log: (line) => lines.push(line) });
    runtime = suite.runtime;
    await createEventType(runtime.portalUrl, 'fuzz_parcel', {
      application: 'fuzz-team',
      description: 'Parcels under attack',
    });
    await runtime.whenDeployed();
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('answers catastrophic-backtracking patterns in schemas and filters at once, /health staying fast', async () => {
    const redos = await call('POST', `${runtime.portalUrl}/events`, {
      application: 'fuzz-team',
      event_type: 'redos_parcel',
      description: 'A pattern that backtracks',
      connection_type: 'HTTPS',
      data: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^(a+)+$': { type: 'string' } },
      },
    });
    expect(redos.status).toBe(201);
    await runtime.whenDeployed();
    const attack = `${'a'.repeat(30)}!`;

    const health = await whileTimingHealth(async () => {
      const published = await call(
        'POST',
        `${runtime.brokerUrl}/redos_parcel/1`,
        envelope('north', { code: attack, [attack]: 'x' }),
        await producerKey(runtime.portalUrl, 'redos_parcel'),
      );
      expect(published.status).toBe(400);
      expect(published.body).toMatchObject({
        errors: [{ path: '$.data.code', message: 'must match pattern "^(a+)+$"' }],
      });
      const filtered = await call('POST', `${runtime.portalUrl}/subscriptions`, {
        event_type: 'redos_parcel',
        version: 1,
        connection_type: 'LAMBDA',
        connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:redos',
        filter: { [attack]: ['x'] },
      });
      expect(filtered.status).toBe(400);
    });

    // Backtracking would hold the event loop for many seconds on 30 characters; linear matching does not.
    expect(health.count).toBeGreaterThan(0);
    expect(health.max).toBeLessThan(1000);
  });

  it('refuses unknown top-level envelope fields, naming them', async () => {
    const published = await call(
      'POST',
      `${runtime.brokerUrl}/fuzz_parcel/1`,
      {
        ...envelope('north', { parcel_id: 'P-1', weight_kg: 1 }),
        source: 'someone-else',
        'detail-type': 'fuzz_parcel.1',
      },
      await producerKey(runtime.portalUrl, 'fuzz_parcel'),
    );

    expect(published.status).toBe(400);
    expect(published.body).toMatchObject({
      errors: [
        { path: '$.source', message: 'is not allowed' },
        { path: '$.detail-type', message: 'is not allowed' },
      ],
    });
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data', 'is a cloud metadata service'],
    ['https://0xa9fea9fe/', 'is a cloud metadata service'],
    ['https://[::ffff:10.0.0.1]/', 'is a private address'],
  ])('refuses the consumer %s at subscribe time', async (connection_string, why) => {
    const response = await call('POST', `${runtime.portalUrl}/subscriptions`, {
      event_type: 'fuzz_parcel',
      version: 1,
      connection_type: 'HTTPS',
      connection_string,
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      errors: [{ path: '$.connection_string', message: expect.stringContaining(why) }],
    });
  });

  it("refuses the runtime's own ports as a consumer", async () => {
    const response = await call('POST', `${runtime.portalUrl}/subscriptions`, {
      event_type: 'fuzz_parcel',
      version: 1,
      connection_type: 'HTTPS',
      connection_string: `${runtime.awsUrl}/`,
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      errors: [{ path: '$.connection_string', message: expect.stringContaining("this runtime's own port") }],
    });
  });

  it('survives thousands of fuzzed requests on every route: no 5xx, state unchanged, /health fast', async () => {
    await runtime.whenDeployed();
    const before = await snapshot(runtime.portalUrl);
    const fuzz = new Hostile(mulberry32(20261205));
    const adminToken = await tokenFor(TEST_ADMIN);
    const key = (await producerKey(runtime.portalUrl, 'fuzz_parcel')).headers?.['x-api-key'] ?? '';
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const accepted: string[] = [];
    const REQUESTS = 2400;
    const CONCURRENCY = 8;
    let next = 0;

    const one = async (): Promise<void> => {
      const producer = fuzz.random() < 0.3;
      let method: string;
      let target: string;
      if (producer) {
        method = fuzz.pick(['POST', 'POST', 'POST', 'GET', 'PUT']);
        target =
          fuzz.random() < 0.6
            ? '/fuzz_parcel/1'
            : `/${fuzz.segment(['fuzz_parcel', 'redos_parcel'])}/${fuzz.segment(['1', '2', '0', '-1', '1e3'])}`;
      } else {
        // Reads take no body and build whole documents (AsyncAPI): fewer of them, more of the writes.
        let route = fuzz.pick(portalRoutes);
        if (route.method === 'GET' && fuzz.random() < 0.6) route = fuzz.pick(portalRoutes);
        method = fuzz.random() < 0.9 ? route.method : fuzz.pick(['PATCH', 'OPTIONS', 'DELETE', 'GET']);
        target = route.resource.replace(/\{[^}]+\}/g, () =>
          fuzz.segment(['no_such_type', '99', 'not-a-subscription-id']),
        );
        target += fuzz.query();
      }
      const body =
        method === 'GET' || method === 'DELETE'
          ? fuzz.random() < 0.2
            ? fuzz.body()
            : undefined
          : fuzz.body();
      const contentType = fuzz.pick(CONTENT_TYPES);
      const base = producer ? runtime.brokerUrl : runtime.portalUrl;
      // Mostly an admin (who may do everything, so every handler is reached), sometimes no or a forged token.
      const authorization = fuzz.pick([
        `Bearer ${adminToken}`,
        `Bearer ${adminToken}`,
        `Bearer ${adminToken}`,
        `Bearer ${adminToken}`,
        undefined,
        'Bearer e30.e30.forged',
        `Bearer ${adminToken.slice(0, -4)}AAAA`,
      ]);
      // Producers mostly send the event type's key (so the injector is reached), sometimes none or a wrong one.
      const apiKey = producer ? fuzz.pick([key, key, key, undefined, `${key.slice(0, -4)}AAAA`]) : undefined;
      const response = await send(base, method, target, body, contentType, authorization, apiKey);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const label = `${method} ${target.slice(0, 120)} (${body?.length ?? 0} bytes, ${contentType})`;
      if (response.status >= 500)
        failures.push(`${response.status} ${label}: ${response.body.slice(0, 200)}`);
      if (!producer && method !== 'GET' && response.status < 300)
        accepted.push(`${response.status} ${label}`);
      if (response.status >= 400 && /\n\s+at /.test(response.body)) failures.push(`stack trace: ${label}`);
    };

    const health = await whileTimingHealth(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) {
            next++;
            await one();
          }
        }),
      );
    });
    await runtime.whenDeployed();
    const after = await snapshot(runtime.portalUrl);

    expect(failures).toEqual([]);
    expect(accepted).toEqual([]);
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);
    expect(after).toBe(before);
    expect(health.max).toBeLessThan(1000);
    expect((await fetch(`${runtime.portalUrl}/health`)).status).toBe(200);
    expect(lines.filter((line) => /failed: /.test(line))).toEqual([]);
  }, 300_000);
});
