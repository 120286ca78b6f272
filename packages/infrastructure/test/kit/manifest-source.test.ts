import { parseManifestLocation } from '../../src/kit/manifest-source';

describe('parseManifestLocation', () => {
  it('reads s3:// locations as bucket and key', () => {
    expect(parseManifestLocation('s3://dev-publisher/parcel_registered/1/deploy.json')).toEqual({
      kind: 's3',
      bucket: 'dev-publisher',
      key: 'parcel_registered/1/deploy.json',
    });
    expect(parseManifestLocation('examples/http-producer.json')).toEqual({
      kind: 'file',
      path: 'examples/http-producer.json',
    });
    expect(() => parseManifestLocation('s3://bucket-only')).toThrow('must look like s3://bucket/key');
  });
});
