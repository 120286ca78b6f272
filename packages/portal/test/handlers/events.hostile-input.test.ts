import { call } from '../support/api';
import { usePortal } from '../support/portal-suite';
import { eventRequests } from '../support/requests';

const suite = usePortal();

/** A request body whose schema has the given property names (as raw JSON, so `__proto__` stays a key). */
function withProperties(eventType: string, names: readonly string[], type = 'string'): string {
  const properties = names.map((name) => `"${name}":{"type":"${type}"}`).join(',');
  return `{"application":"orders","event_type":"${eventType}","description":"odd names","connection_type":"HTTPS","data":{"type":"object","properties":{${properties}}}}`;
}

const { create, get, getVersion } = eventRequests(suite);

describe('property names that are also JavaScript names', () => {
  it('stores and serves constructor, __proto__ and toString faithfully', async () => {
    const created = await create(withProperties('odd_names', ['constructor', '__proto__', 'toString']));
    expect(created.statusCode).toBe(201);

    const version = await getVersion('odd_names', '1');

    expect(version.statusCode).toBe(200);
    const data = (version.body as { data: { properties: Record<string, unknown> } }).data;
    expect(Object.keys(data.properties)).toEqual(['constructor', '__proto__', 'toString']);
    expect(Object.getOwnPropertyDescriptor(data.properties, '__proto__')?.value).toEqual({ type: 'string' });
  });

  it('makes a new version when only the __proto__ property changes', async () => {
    expect((await create(withProperties('proto_change', ['__proto__']))).statusCode).toBe(201);
    const body =
      '{"data":{"type":"object","properties":{"__proto__":{"type":"string"},"extra":{"type":"number"}}}}';

    const updated = await call(suite.portal.events, {
      method: 'PUT',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'proto_change' },
      headers: { 'If-Match': '"1"' },
      body,
    });

    expect(updated.statusCode).toBe(200);
    expect((await get('proto_change')).body).toMatchObject({ latest_version: 2 });
    const version = await getVersion('proto_change', '2');
    const data = (version.body as { data: { properties: Record<string, unknown> } }).data;
    expect(Object.keys(data.properties)).toEqual(['__proto__', 'extra']);
  });
});

describe('limits checked before any expensive work', () => {
  it('answers 400 for a schema nested 10,000 deep', async () => {
    const deep = `${'{"not":'.repeat(10_000)}{}${'}'.repeat(10_000)}`;
    const body = `{"application":"orders","event_type":"too_deep","description":"d","connection_type":"HTTPS","data":${deep}}`;

    const response = await create(body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      errors: [{ path: '$', message: 'nests objects and arrays deeper than 65 levels' }],
    });
  });

  it('answers 400 for a 50,000-item enum, naming the size limit', async () => {
    const body = {
      application: 'orders',
      event_type: 'huge_enum',
      description: 'd',
      connection_type: 'HTTPS',
      data: { type: 'string', enum: Array.from({ length: 50_000 }, (_, i) => `v${i}`) },
    };

    const response = await create(body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      errors: [{ path: '$.data', message: expect.stringMatching(/the limit is 100000$/) }],
    });
  });

  it.each([
    Buffer.from('{"PK":"x"}').toString('base64url'),
    Buffer.from('{"PK":"EVENT#a","SK":"META","GSI1PK":1}').toString('base64url'),
    'not-a-token',
  ])('answers 400 for the forged next_token %s', async (token) => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { next_token: token },
    });

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ errors: [{ path: 'query.next_token' }] });
  });

  it('answers 400 for a path parameter with a malformed percent escape', async () => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: '%E0%A4%A' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      errors: [{ path: 'path.event_type', message: 'has a malformed percent escape' }],
    });
  });
});
