import { rm } from 'node:fs/promises';
import { APIGatewayClient, GetApiKeysCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { PRODUCER_THROTTLE } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import { LOCAL_CREDENTIALS } from '../../src/runtime/environment';
import {
  authHeaders,
  call,
  createEventType,
  envelope,
  type Sink,
  settle,
  startSink,
  startTestRuntime,
  subscribe,
  tempDataDir,
  waitFor,
} from './support';

const OWNER = 'parcel-tracking';

describe('HTTP producers authenticate with their event type’s API key', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  let sink: Sink;
  const portal = (route: string) => `${runtime.portalUrl}${route}`;
  const broker = (route: string) => `${runtime.brokerUrl}${route}`;
  const publish = (eventType: string, parcel: string, headers: Record<string, string> = {}) =>
    call('POST', broker(`/${eventType}/1`), envelope('depot', { parcel_id: parcel, weight_kg: 1 }), {
      headers,
      anonymous: true,
    });
  const keyOf = async (eventType: string, who: Record<string, string>) =>
    call('GET', portal(`/events/${eventType}/producer-key`), undefined, { headers: who });
  /** Parcel ids of the events the sink received for `eventType`, after every delivery owed has been made. */
  const delivered = async (route: string): Promise<string[]> => {
    await settle(runtime);
    return sink
      .on(route)
      .map((received) => (JSON.parse(received.body) as { detail: { data: { parcel_id: string } } }).detail)
      .map((detail) => detail.data.parcel_id);
  };

  beforeAll(async () => {
    dataDir = await tempDataDir('keys');
    sink = await startSink();
    runtime = await startTestRuntime(dataDir);
    for (const eventType of ['keyed_parcel', 'other_parcel']) {
      await createEventType(runtime.portalUrl, eventType, { application: OWNER });
      await subscribe(runtime.portalUrl, eventType, { connection_string: sink.url(`/${eventType}`) });
    }
  });

  afterAll(async () => {
    await runtime?.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('issues the key at creation, readable by the owning team and admins, refused to other teams', async () => {
    const owner = await keyOf('keyed_parcel', await authHeaders({ team: OWNER }));
    const admin = await keyOf('keyed_parcel', await authHeaders({ admin: true }));
    const stranger = await keyOf('keyed_parcel', await authHeaders({ team: 'billing' }));

    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({
      event_type: 'keyed_parcel',
      header: 'x-api-key',
      api_key: expect.stringMatching(/^bp[0-9a-f]{16}[A-Za-z0-9]{40}$/),
      created_at: expect.any(String),
    });
    expect(admin.body).toEqual(owner.body);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toEqual({
      message:
        'Only members of team parcel-tracking (or platform admins) may read the producer key of event type keyed_parcel',
      owner: OWNER,
    });
  });

  it('keeps the key in a usage plan of the broker stage with the producers’ throttle, in the local API Gateway', async () => {
    const apiGateway = new APIGatewayClient({
      endpoint: runtime.awsUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const plans = await apiGateway.send(new GetUsagePlansCommand({}));
      const keys = await apiGateway.send(
        new GetApiKeysCommand({ nameQuery: 'e2e-keyed_parcel-producer-key', includeValues: true }),
      );
      const plan = plans.items?.find((item) => item.name === 'e2e-keyed_parcel-producers');
      const planKeys = await apiGateway.send(new GetUsagePlansCommand({ keyId: keys.items?.[0]?.id }));

      expect(plan).toMatchObject({
        apiStages: [{ apiId: 'localbroker', stage: 'e2e' }],
        throttle: { rateLimit: PRODUCER_THROTTLE.rateLimit, burstLimit: PRODUCER_THROTTLE.burstLimit },
      });
      expect(keys.items?.map((key) => key.value)).toEqual([
        ((await keyOf('keyed_parcel', await authHeaders({ admin: true }))).body as { api_key: string })
          .api_key,
      ]);
      expect(planKeys.items?.map((item) => item.id)).toEqual([plan?.id]);
    } finally {
      apiGateway.destroy();
    }
  });

  it('refuses a missing, unknown or other event type’s key with 403 and puts nothing on the bus', async () => {
    const own = (
      (await keyOf('keyed_parcel', await authHeaders({ admin: true }))).body as { api_key: string }
    ).api_key;
    const other = (
      (await keyOf('other_parcel', await authHeaders({ admin: true }))).body as { api_key: string }
    ).api_key;

    const missing = await publish('keyed_parcel', 'no-key');
    const unknown = await publish('keyed_parcel', 'unknown-key', { 'x-api-key': `${own.slice(0, -4)}AAAA` });
    const foreign = await publish('keyed_parcel', 'foreign-key', { 'x-api-key': other });
    const accepted = await publish('keyed_parcel', 'with-key', { 'x-api-key': own });

    expect([missing, unknown, foreign].map((answer) => answer.status)).toEqual([403, 403, 403]);
    expect(missing.body).toEqual({ message: 'Forbidden' });
    expect(unknown.body).toEqual({ message: 'Forbidden' });
    expect(foreign.body).toEqual({ message: 'Forbidden' });
    expect(accepted.status).toBe(200);
    await waitFor('the accepted event', () => sink.on('/keyed_parcel').length > 0);
    expect(await delivered('/keyed_parcel')).toEqual(['with-key']);
  });

  it('refuses the old key at once after a rotation, accepts the new one, and refuses another team’s rotation', async () => {
    const before = (
      (await keyOf('keyed_parcel', await authHeaders({ team: OWNER }))).body as { api_key: string }
    ).api_key;
    const stranger = await call('POST', portal('/events/keyed_parcel/producer-key/rotate'), undefined, {
      headers: await authHeaders({ team: 'billing' }),
    });
    expect(stranger.status).toBe(403);
    expect((await publish('keyed_parcel', 'still-old', { 'x-api-key': before })).status).toBe(200);

    const rotated = await call('POST', portal('/events/keyed_parcel/producer-key/rotate'), undefined, {
      headers: await authHeaders({ team: OWNER }),
    });
    const after = (rotated.body as { api_key: string }).api_key;
    const old = await publish('keyed_parcel', 'old-key', { 'x-api-key': before });
    const fresh = await publish('keyed_parcel', 'new-key', { 'x-api-key': after });

    expect(rotated.status).toBe(200);
    expect(after).not.toBe(before);
    expect(old).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect(fresh.status).toBe(200);
    await waitFor('the event sent with the new key', () => sink.on('/keyed_parcel').length >= 3);
    expect(await delivered('/keyed_parcel')).toEqual(['with-key', 'still-old', 'new-key']);
    expect(
      ((await keyOf('keyed_parcel', await authHeaders({ team: OWNER }))).body as { api_key: string }).api_key,
    ).toBe(after);
  });

  it('keeps keys across a restart', async () => {
    const key = (
      (await keyOf('other_parcel', await authHeaders({ admin: true }))).body as { api_key: string }
    ).api_key;
    await runtime.close();
    runtime = await startTestRuntime(dataDir);

    const published = await publish('other_parcel', 'after-restart', { 'x-api-key': key });

    expect(published.status).toBe(200);
  });
});
