import { RouteTable } from '../../src/http/api-gateway';

describe('RouteTable', () => {
  const handler = async () => ({ statusCode: 200, body: '' });
  const table = new RouteTable([
    { method: 'GET', resource: '/events/{event_type}', handler },
    { method: 'GET', resource: '/events/{event_type}/versions/{version}', handler },
    { method: 'POST', resource: '/events', handler },
    { method: 'GET', resource: '/subscriptions/{id}/dead-letters', handler },
  ]);

  it('extracts decoded path parameters by name', () => {
    const match = table.match('GET', '/events/scanned%5Fparcel/versions/2');
    expect(match).toMatchObject({ pathParameters: { event_type: 'scanned_parcel', version: '2' } });
  });

  it('gives no path parameters to a literal resource', () => {
    expect(table.match('POST', '/events')).toMatchObject({ pathParameters: null });
  });

  it('tells an unknown method on a known path from an unknown path', () => {
    expect(table.match('DELETE', '/events')).toBe('methodNotAllowed');
    expect(table.match('GET', '/nowhere')).toBeUndefined();
  });
});
