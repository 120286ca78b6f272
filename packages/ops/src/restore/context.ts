import type { EventStore } from '@bridgeport/portal';
import type { OpsClients } from '../clients';
import type { Progress } from '../progress';
import type { RestoreItem } from '../report';
import type { OpsResources, OpsScope } from '../scope';
import type { SchemaBackup } from '../sources/backups';
import type { RegistryStore } from '../sources/registry';

/** What every step of a restore shares: where it works, how, and the report it adds to. */
export interface RestoreContext {
  readonly scope: OpsScope;
  readonly resources: OpsResources;
  readonly clients: OpsClients;
  readonly store: EventStore;
  readonly registry: RegistryStore;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly progress: Progress;
  /** The time restored records are stamped with (ISO-8601). */
  readonly at: string;
  report(item: RestoreItem): void;
}

/** An event type whose backups are whole (versions 1…n, each readable) and that is to be restored. */
export interface RestorableType {
  readonly eventType: string;
  readonly versions: readonly SchemaBackup[];
}

/** Registry version of each event version (index 0 holds version 1's), per event type. */
export type RegistryMapping = Map<string, readonly string[]>;

/** Runs `work`; a failure becomes a `failed` item of the report and the step goes on with the next thing. */
export async function attempt(
  context: RestoreContext,
  item: { readonly store: RestoreItem['store']; readonly subject: string; readonly key?: string },
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    context.report({ ...item, outcome: 'failed', detail: messageOf(error) });
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
