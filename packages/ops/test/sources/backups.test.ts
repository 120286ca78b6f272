import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseBackup, readBackups } from '../../src/sources/backups';
import { BucketReader } from '../../src/sources/bucket-reader';

const BUCKET = 'e2e-event-schemas-backup-bucket-000000000000-us-east-1';

function backup(eventType: string, version: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format: 1,
    event_type: eventType,
    version,
    application: 'parcel-tracking',
    description: `version ${version}`,
    connection_type: 'HTTPS',
    detail_type: `${eventType}.${version}`,
    created_at: '2026-12-01T10:00:00.000Z',
    schema: { type: 'object' },
    data: { type: 'object' },
    ...overrides,
  });
}

/** S3 (mocked: only AWS itself is) holding `objects`, key → text. */
function bucketOf(objects: Record<string, string>): BucketReader {
  const s3 = mockClient(S3Client);
  s3.on(ListObjectsV2Command, { Bucket: BUCKET }).resolves({
    Contents: Object.keys(objects).map((Key) => ({ Key, LastModified: new Date('2026-12-01T10:00:00Z') })),
  });
  for (const [key, text] of Object.entries(objects)) {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).resolves({
      Body: { transformToString: async () => text },
    } as unknown as GetObjectCommandOutput);
  }
  return new BucketReader({ client: new S3Client({ region: 'us-east-1' }), bucket: BUCKET });
}

describe('schema backups', () => {
  it('reads a backup the portal wrote', () => {
    const parsed = parseBackup('scanned_parcel/v2.json', backup('scanned_parcel', 2));
    expect(parsed).toMatchObject({ event_type: 'scanned_parcel', version: 2, description: 'version 2' });
  });

  it('reports truncated JSON with its key', () => {
    const text = backup('scanned_parcel', 1);
    expect(parseBackup('scanned_parcel/v1.json', text.slice(0, text.length / 2))).toEqual({
      key: 'scanned_parcel/v1.json',
      reason: expect.stringMatching(/^is not valid JSON \(truncated\?\)/),
    });
  });

  it('reports a backup of an unknown format with its key', () => {
    expect(parseBackup('scanned_parcel/v1.json', backup('scanned_parcel', 1, { format: 7 }))).toEqual({
      key: 'scanned_parcel/v1.json',
      reason: 'has an unknown format 7 (expected 1)',
    });
  });

  it('reports a backup whose content does not belong to its key', () => {
    expect(parseBackup('scanned_parcel/v3.json', backup('scanned_parcel', 2, { schema: 'x' }))).toEqual({
      key: 'scanned_parcel/v3.json',
      reason: 'has missing or wrong fields: version (expected 3), schema (expected a JSON Schema object)',
    });
  });

  it('reads a compatibility report back, and reports one that is not a report', () => {
    const report = {
      backward_compatible: true,
      changes: [{ path: '$.data.note', change: 'added_optional', compatible: true }],
    };
    expect(
      parseBackup('scanned_parcel/v2.json', backup('scanned_parcel', 2, { compatibility: report })),
    ).toMatchObject({ compatibility: report });
    expect(
      parseBackup(
        'scanned_parcel/v2.json',
        backup('scanned_parcel', 2, { compatibility: { changes: 'none' } }),
      ),
    ).toEqual({
      key: 'scanned_parcel/v2.json',
      reason:
        'has missing or wrong fields: compatibility (expected a compatibility report: backward_compatible and a list of changes)',
    });
  });

  it('groups backups by event type, names a version missing in a sequence by its key, and keeps the others usable', async () => {
    const catalog = await readBackups(
      bucketOf({
        'scanned_parcel/v1.json': backup('scanned_parcel', 1),
        'scanned_parcel/v3.json': backup('scanned_parcel', 3),
        'order_placed/v1.json': backup('order_placed', 1),
        'order_placed/v2.json': backup('order_placed', 2),
        'README.txt': 'not a backup',
      }),
    );
    expect(catalog.eventTypes.get('scanned_parcel')?.problems).toEqual([
      {
        key: 'scanned_parcel/v2.json',
        reason: 'is missing: versions 1 to 3 are expected, this one has no backup',
        missing: true,
      },
    ]);
    expect(catalog.eventTypes.get('order_placed')?.problems).toEqual([]);
    expect(catalog.eventTypes.get('order_placed')?.versions.map((found) => found.version)).toEqual([1, 2]);
    expect(catalog.strays).toEqual([
      { key: 'README.txt', reason: 'is not a backup key ({event_type}/v{version}.json)' },
    ]);
  });

  it('reports progress as n of N while reading', async () => {
    const seen: string[] = [];
    await readBackups(
      bucketOf({
        'order_placed/v1.json': backup('order_placed', 1),
        'order_placed/v2.json': backup('order_placed', 2),
      }),
      (done, total) => seen.push(`${done} of ${total}`),
    );
    expect(seen).toEqual(['1 of 2', '2 of 2']);
  });
});
