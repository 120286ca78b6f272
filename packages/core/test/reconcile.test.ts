import {
  DeploymentAction,
  type ManifestVersion,
  type ManifestVersionReader,
  reconcileDecisionOf,
  reconcileManifest,
} from '../src';

const object = (versionId: string, isLatest = false): ManifestVersion => ({
  versionId,
  deleteMarker: false,
  isLatest,
});
const marker = (versionId: string, isLatest = false): ManifestVersion => ({
  versionId,
  deleteMarker: true,
  isLatest,
});

describe('reconcileDecisionOf', () => {
  it('deploys the current version when it is an object', () => {
    expect(reconcileDecisionOf([object('v1'), object('v2', true)])).toEqual({
      action: DeploymentAction.DEPLOY,
      versionId: 'v2',
    });
  });

  it('destroys when the current version is a delete marker, whatever older versions exist', () => {
    expect(reconcileDecisionOf([marker('m1', true), object('v1')])).toEqual({
      action: DeploymentAction.DESTROY,
      reason: 'delete-marker',
    });
  });

  it('destroys when the key has no version left (and does not fail on it)', () => {
    expect(reconcileDecisionOf([])).toEqual({ action: DeploymentAction.DESTROY, reason: 'no-versions' });
  });
});

describe('reconcileManifest', () => {
  const reads: string[] = [];
  const reader: ManifestVersionReader = {
    async versionsOf(bucket, key) {
      reads.push(`${bucket}/${key}`);
      return [object('v3', true)];
    },
  };

  beforeEach(() => {
    reads.length = 0;
  });

  it('ignores a lifecycle expiration without reading the bucket', async () => {
    const decision = await reconcileManifest(reader, 'b', 'k/1/deploy.json', {
      reason: 'Lifecycle Expiration',
    });

    expect(decision).toEqual({ action: 'ignore', reason: 'lifecycle-expiration' });
    expect(reads).toEqual([]);
  });

  it('decides a delete event from what the bucket holds now (a re-created manifest is deployed)', async () => {
    const decision = await reconcileManifest(reader, 'b', 'k/1/deploy.json', { reason: 'DeleteObject' });

    expect(decision).toEqual({ action: DeploymentAction.DEPLOY, versionId: 'v3' });
    expect(reads).toEqual(['b/k/1/deploy.json']);
  });
});
