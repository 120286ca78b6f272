/** `restore --registry`: every schema with all its versions, in order, from the backups. */
import { schemaName } from '@bridgeport/core';
import { Outcome, Store } from '../report';
import { type RegistryVersion, registryContentOf, sameRegistryContent } from '../sources/registry';
import { attempt, type RegistryMapping, type RestorableType, type RestoreContext } from './context';

/**
 * Rebuilds each event type's schema: creates what is missing, adds the versions after the last one present,
 * leaves a matching schema alone, and reports a schema whose content differs from the backups as a conflict
 * (replaced from the backups with `force`). Then makes every version record name the registry version that
 * holds it. Answers the registry versions of each event type that is whole afterwards.
 */
export async function restoreRegistry(
  context: RestoreContext,
  types: readonly RestorableType[],
): Promise<RegistryMapping> {
  const mapping: RegistryMapping = new Map();
  if (!context.dryRun && types.length > 0) await context.registry.ensureRegistry();
  let done = 0;
  for (const type of types) {
    done += 1;
    context.progress('registry', done, types.length, type.eventType);
    await attempt(context, { store: Store.REGISTRY, subject: type.eventType }, async () => {
      const versions = await restoreSchema(context, type);
      if (versions !== undefined) {
        mapping.set(type.eventType, versions);
        await restoreMapping(context, type, versions);
      }
    });
  }
  return mapping;
}

/** Where the registry's versions stop agreeing with the backups, if they do. */
function disagreement(type: RestorableType, current: readonly RegistryVersion[]): string | undefined {
  for (const [index, backup] of type.versions.entries()) {
    const found = current[index];
    if (found === undefined) return undefined;
    if (!sameRegistryContent(found.content, registryContentOf(backup.schema))) {
      return `registry version ${found.version} differs from the backup of v${backup.version}`;
    }
  }
  if (current.length > type.versions.length) {
    const extra = current.slice(type.versions.length).map((version) => version.version);
    return `registry versions ${extra.join(', ')} come after the last backed-up version v${type.versions.length}`;
  }
  return undefined;
}

async function restoreSchema(
  context: RestoreContext,
  type: RestorableType,
): Promise<readonly string[] | undefined> {
  const name = schemaName(type.eventType);
  const current = (await context.registry.versions(name)) ?? [];
  const subject = { store: Store.REGISTRY, subject: type.eventType };
  const total = type.versions.length;
  const conflict = disagreement(type, current);
  if (conflict !== undefined && !context.force) {
    context.report({ ...subject, outcome: Outcome.CONFLICT, detail: `${conflict}; --force replaces it` });
    return current.slice(0, total).map((version) => version.version);
  }
  const replacing = conflict !== undefined;
  const kept = replacing ? [] : current.map((version) => version.version);
  if (kept.length === total) {
    context.report({ ...subject, outcome: Outcome.UNCHANGED, detail: `versions 1 to ${total}` });
    return kept;
  }
  const first = kept.length + 1;
  const detail = replacing
    ? `${conflict}; replaced by versions 1 to ${total} from the backups`
    : first === 1
      ? `versions 1 to ${total}`
      : `versions ${first} to ${total} added`;
  const outcome = replacing || first > 1 ? Outcome.UPDATED : Outcome.CREATED;
  if (context.dryRun) {
    context.report({ ...subject, outcome, detail });
    return undefined;
  }
  if (replacing) await context.registry.deleteSchema(name);
  const versions = [...kept];
  for (const backup of type.versions.slice(kept.length)) {
    versions.push(
      await context.registry.addVersion(
        name,
        registryContentOf(backup.schema),
        backup.description,
        versions.length === 0,
      ),
    );
  }
  context.report({ ...subject, outcome, detail });
  return versions;
}

/** Makes each existing version record name the registry version holding it, so the portal finds it again. */
async function restoreMapping(
  context: RestoreContext,
  type: RestorableType,
  versions: readonly string[],
): Promise<void> {
  for (const backup of type.versions) {
    const registryVersion = versions[backup.version - 1];
    if (registryVersion === undefined) continue;
    const record = await context.store.getVersion(type.eventType, backup.version);
    if (record === undefined || record.registry_version === registryVersion) continue;
    if (!context.dryRun)
      await context.store.setRegistryVersion(type.eventType, backup.version, registryVersion);
    context.report({
      store: Store.TABLE,
      subject: `${type.eventType} v${backup.version}`,
      outcome: Outcome.UPDATED,
      detail: `registry version ${record.registry_version ?? 'none'} → ${registryVersion}`,
    });
  }
}

/** The registry versions of an event type when they all agree with the backups (read only). */
export async function readMapping(
  context: RestoreContext,
  types: readonly RestorableType[],
): Promise<RegistryMapping> {
  const mapping: RegistryMapping = new Map();
  for (const type of types) {
    const current = await context.registry.versions(schemaName(type.eventType));
    if (current !== undefined && disagreement(type, current) === undefined) {
      mapping.set(
        type.eventType,
        current.map((version) => version.version),
      );
    }
  }
  return mapping;
}

export { disagreement as registryDisagreement };
