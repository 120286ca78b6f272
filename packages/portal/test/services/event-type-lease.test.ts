import { DescribeSchemaCommand } from '@aws-sdk/client-schemas';
import { BucketKind, bucketName, producerManifestKey, schemaBackupKey } from '@bridgeport/core';
import { ObjectStorage } from '../../src/adapters/object-storage';
import { SchemaRegistry } from '../../src/adapters/schema-registry';
import type { Caller } from '../../src/services/caller';
import { EventTypeService } from '../../src/services/event-types';
import { EventStore } from '../../src/store/event-store';
import { call } from '../support/api';
import { orderCreated } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests } from '../support/requests';
import { type S3Faults, s3Faults } from '../support/s3-faults';

const ADMIN: Caller = { user: 'test-admin', teams: [], admin: true };
const scope = { environment: 'test', account: '000000000000', region: 'us-east-1' };
const publisherBucket = bucketName(BucketKind.PUBLISHER, scope);
const backupBucket = bucketName(BucketKind.SCHEMAS_BACKUP, scope);
const REGISTRY = 'test-bridgeport-events';

const suite = usePortal();
let faults: S3Faults;

beforeAll(async () => {
  faults = s3Faults(suite.harness.clients.s3);
});

/** A data schema with one field, `<name>_field`: which request's content ended up where is then plain to see. */
const dataWith = (name: string) => ({
  type: 'object',
  required: [`${name}_field`],
  properties: { [`${name}_field`]: { type: 'string' } },
});
const typeWith = (eventType: string, name: string) =>
  orderCreated({ event_type: eventType, data: dataWith(name) });

/** The `<name>_field` names found in a value (a schema, a backup, a manifest). */
const fieldsIn = (value: unknown) => [...new Set(JSON.stringify(value).match(/[a-z]+_field/g) ?? [])];

const { create, put, remove, get: getType, getVersion } = eventRequests(suite);

/** Where each side effect of a version stands: the fields of the API's answer, registry, backup and manifest. */
async function contentOf(eventType: string, version: number) {
  return {
    api: fieldsIn((await getVersion(eventType, version)).body.data),
    registry: suite.registry.versions(REGISTRY, eventType).map(fieldsIn),
    backup: fieldsIn(
      ((await suite.harness.readJson(backupBucket, schemaBackupKey(eventType, version))) as { data: unknown })
        .data,
    ),
    manifest: fieldsIn(
      await suite.harness.readJson(publisherBucket, producerManifestKey(eventType, version)),
    ),
  };
}

/** An event type service of its own, on the harness's table and buckets, with a clock the test moves. */
function serviceWithClock(clock: { now: number }): EventTypeService {
  const now = () => new Date(clock.now);
  return new EventTypeService({
    store: new EventStore({
      tableName: suite.harness.config.tableName,
      client: suite.harness.clients.dynamo,
      now,
    }),
    registry: new SchemaRegistry({ client: suite.harness.clients.schemas, registryName: REGISTRY }),
    storage: new ObjectStorage({ client: suite.harness.clients.s3 }),
    config: suite.harness.config,
    leaseSeconds: 30,
    now,
  });
}

describe('two requests creating the same event type at once', () => {
  it('lets the first finish with its content everywhere and answers the second 409, which writes nothing', async () => {
    const paused = suite.registry.pauseNext(DescribeSchemaCommand, 'race_created');
    const first = create(typeWith('race_created', 'alpha'));
    await paused.reached;

    const second = await create(typeWith('race_created', 'beta'));
    paused.release();
    const winner = await first;
    const repeated = await create(typeWith('race_created', 'beta'));

    expect(second.statusCode).toBe(409);
    expect(second.body).toMatchObject({
      message: 'Event type race_created is being changed by another request; retry when it has completed',
    });
    expect(winner.statusCode).toBe(201);
    expect(repeated.statusCode).toBe(409);
    expect(repeated.body).toMatchObject({ message: 'Event type race_created already exists' });
    expect(await contentOf('race_created', 1)).toEqual({
      api: ['alpha_field'],
      registry: [['alpha_field']],
      backup: ['alpha_field'],
      manifest: ['alpha_field'],
    });
  });

  it('stops a request that outlived its lease before its next side effect, once another has taken over', async () => {
    const clock = { now: Date.parse('2026-11-26T08:00:00.000Z') };
    const slow = serviceWithClock(clock);
    const fast = serviceWithClock(clock);
    const paused = suite.registry.pauseNext(DescribeSchemaCommand, 'race_stalled');
    const first = slow.create(typeWith('race_stalled', 'alpha'), ADMIN);
    await paused.reached;

    clock.now += 31_000;
    const second = await fast.create(typeWith('race_stalled', 'beta'), ADMIN);
    paused.release();

    await expect(first).rejects.toThrow(
      'Event type race_stalled was changed by another request while this one was in progress; read it and retry',
    );
    expect(second.value).toMatchObject({ event_type: 'race_stalled', latest_version: 1 });
    expect(await contentOf('race_stalled', 1)).toEqual({
      api: ['beta_field'],
      registry: [['beta_field']],
      backup: ['beta_field'],
      manifest: ['beta_field'],
    });
  });

  it('lets the same request, repeated after a failure half-way, complete the type', async () => {
    faults.failNext('PutObjectCommand', publisherBucket);
    const failed = await create(typeWith('race_repeated', 'alpha'));

    const repeated = await create(typeWith('race_repeated', 'alpha'));

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Writing the producer manifest failed' });
    expect(repeated.statusCode).toBe(201);
    expect(await contentOf('race_repeated', 1)).toEqual({
      api: ['alpha_field'],
      registry: [['alpha_field']],
      backup: ['alpha_field'],
      manifest: ['alpha_field'],
    });
  });
});

describe('two requests adding a version at once', () => {
  it('lets the first finish; the second gets 412 with its stale ETag, 409 without, and a DELETE 409', async () => {
    expect((await create(typeWith('race_changed', 'alpha'))).statusCode).toBe(201);
    const paused = suite.registry.pauseNext(DescribeSchemaCommand, 'race_changed');
    const first = put('race_changed', { data: dataWith('beta') }, { headers: { 'If-Match': '"1"' } });
    await paused.reached;

    const stale = await put('race_changed', { data: dataWith('gamma') }, { headers: { 'If-Match': '"1"' } });
    const unconditional = await put('race_changed', { data: dataWith('gamma') });
    const deletion = await remove('race_changed');
    paused.release();
    const winner = await first;

    expect(stale.statusCode).toBe(412);
    expect(unconditional.statusCode).toBe(409);
    expect(unconditional.body).toMatchObject({
      message: 'Event type race_changed is being changed by another request; retry when it has completed',
    });
    expect(deletion.statusCode).toBe(409);
    expect(winner.statusCode).toBe(200);
    expect(winner.body).toMatchObject({ latest_version: 2 });
    expect(await contentOf('race_changed', 2)).toEqual({
      api: ['beta_field'],
      registry: [['alpha_field'], ['beta_field']],
      backup: ['beta_field'],
      manifest: ['beta_field'],
    });
  });
});

describe('registry versions, one per event version', () => {
  it('leaves no extra registry version when a failed PUT is followed by a corrected one', async () => {
    expect((await create(typeWith('mapped_put', 'alpha'))).statusCode).toBe(201);
    faults.failNext('PutObjectCommand', publisherBucket);

    const failed = await put('mapped_put', { data: dataWith('beta') });
    const corrected = await put('mapped_put', { data: dataWith('gamma') });

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Writing the producer manifest failed' });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.body).toMatchObject({ latest_version: 2 });
    expect(await contentOf('mapped_put', 2)).toEqual({
      api: ['gamma_field'],
      registry: [['alpha_field'], ['gamma_field']],
      backup: ['gamma_field'],
      manifest: ['gamma_field'],
    });
    // The registry numbers versions itself and never reuses a number: the record keeps the mapping.
    expect(suite.registry.versionNumbers(REGISTRY, 'mapped_put')).toEqual(['1', '3']);
    expect((await suite.portal.services.store.getVersion('mapped_put', 1))?.registry_version).toBe('1');
    expect((await suite.portal.services.store.getVersion('mapped_put', 2))?.registry_version).toBe('3');
  });

  it('leaves no extra registry version when a failed creation is followed by a corrected one', async () => {
    faults.failNext('PutObjectCommand', backupBucket);

    const failed = await create(typeWith('mapped_create', 'alpha'));
    const corrected = await create(typeWith('mapped_create', 'beta'));

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Writing the schema backup failed' });
    expect(corrected.statusCode).toBe(201);
    expect(await contentOf('mapped_create', 1)).toEqual({
      api: ['beta_field'],
      registry: [['beta_field']],
      backup: ['beta_field'],
      manifest: ['beta_field'],
    });
    expect((await suite.portal.services.store.getVersion('mapped_create', 1))?.registry_version).toBe('2');
  });
});

describe('DELETE /events/{event_type}', () => {
  it('answers 412 to a stale If-Match and leaves the type alone', async () => {
    expect((await create(typeWith('delete_guarded', 'alpha'))).statusCode).toBe(201);
    expect((await put('delete_guarded', { description: 'Changed' })).statusCode).toBe(200);

    const refused = await remove('delete_guarded', { headers: { 'If-Match': '"1"' } });

    expect(refused.statusCode).toBe(412);
    expect(refused.body).toEqual({
      message: 'If-Match "1" does not match the current ETag "2"; read the event type again',
    });
    expect((await getType('delete_guarded')).statusCode).toBe(200);
    expect((await remove('delete_guarded', { headers: { 'If-Match': '"2"' } })).statusCode).toBe(204);
  });

  it('answers 5xx naming the step when a manifest cannot be removed; repeating it finishes the deletion', async () => {
    expect((await create(typeWith('delete_retried', 'alpha'))).statusCode).toBe(201);
    expect((await put('delete_retried', { data: dataWith('beta') })).statusCode).toBe(200);
    faults.failNext('DeleteObjectCommand', publisherBucket);

    const failed = await remove('delete_retried');
    const readWhileDeleting = await getType('delete_retried');
    const changeWhileDeleting = await put('delete_retried', { data: dataWith('gamma') });
    const subscribeWhileDeleting = await call(suite.portal.subscriptions, {
      method: 'POST',
      resource: '/subscriptions',
      body: {
        event_type: 'delete_retried',
        version: 1,
        connection_type: 'SQS',
        connection_string: 'arn:aws:sqs:us-east-1:123456789012:parcels',
      },
    });
    const repeated = await remove('delete_retried');

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Removing the producer manifests failed' });
    expect(readWhileDeleting.body.status).toBe('DELETING');
    expect(changeWhileDeleting.statusCode).toBe(409);
    expect(changeWhileDeleting.body).toMatchObject({ message: 'Event type delete_retried is being deleted' });
    expect(subscribeWhileDeleting.statusCode).toBe(409);
    expect(repeated.statusCode).toBe(204);
    expect((await getType('delete_retried')).statusCode).toBe(404);
    expect(
      (await suite.harness.keys(publisherBucket)).filter((key) => key.startsWith('delete_retried/')),
    ).toEqual([]);
    expect(
      (await suite.harness.keys(backupBucket)).filter((key) => key.startsWith('delete_retried/')),
    ).toEqual(['delete_retried/v1.json', 'delete_retried/v2.json']);
    expect(suite.registry.schemas.has(`${REGISTRY}/delete_retried`)).toBe(false);
  });
});
