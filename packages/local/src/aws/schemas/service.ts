import path from 'node:path';
import type { LocalAwsService, RunningService } from '../service';
import { handleSchemasRequest } from './handler';
import { SchemaRegistryStore } from './registry';

export interface RunningSchemas extends RunningService {
  /** The local Schemas registry. */
  readonly store: SchemaRegistryStore;
}

/** Schemas (REST JSON), served in process; state in `registries.json`. */
export const schemasService: LocalAwsService<RunningSchemas> = {
  scope: 'schemas',
  directory: 'schemas',
  // The aws CLI's unsigned `--no-sign-request` calls still name the Schemas API by path.
  claimsUnsigned: (request) => (request.url ?? '').startsWith('/v1/registries'),
  async start(context) {
    const store = await SchemaRegistryStore.open(path.join(context.directory, 'registries.json'), {
      account: context.account,
      region: context.region,
      partition: context.partition,
    });
    return {
      store,
      handle(request, response) {
        void handleSchemasRequest(store, request, response, context);
      },
      close: () => store.flush(),
    };
  },
};
