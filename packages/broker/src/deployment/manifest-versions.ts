import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ManifestVersion, ManifestVersionReader } from '@bridgeport/core';

/**
 * Core's `ManifestVersionReader` over S3's `ListObjectVersions`: every version and delete marker of exactly one
 * key (the listing is by prefix, so longer keys sharing it are left out), all pages read.
 */
export function s3ManifestVersions(s3: S3Client): ManifestVersionReader {
  return {
    async versionsOf(bucket, key) {
      const versions: ManifestVersion[] = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            Prefix: key,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        );
        for (const version of page.Versions ?? []) {
          if (version.Key === key && version.VersionId !== undefined) {
            versions.push({
              versionId: version.VersionId,
              deleteMarker: false,
              isLatest: version.IsLatest === true,
            });
          }
        }
        for (const marker of page.DeleteMarkers ?? []) {
          if (marker.Key === key && marker.VersionId !== undefined) {
            versions.push({
              versionId: marker.VersionId,
              deleteMarker: true,
              isLatest: marker.IsLatest === true,
            });
          }
        }
        const more = page.IsTruncated === true && (page.NextKeyMarker ?? '') <= key;
        keyMarker = more ? page.NextKeyMarker : undefined;
        versionIdMarker = more ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
      return versions;
    },
  };
}
