import path from 'node:path';
import type { LocalAwsService, RunningService } from '../service';
import { handleApiGatewayRequest } from './handler';
import { ApiGatewayStore } from './store';

export interface RunningApiGateway extends RunningService {
  /** API keys and usage plans (the producer endpoint's key check reads them). */
  readonly store: ApiGatewayStore;
}

/** API Gateway's API keys and usage plans (REST JSON), served in process; state in `state.json`. */
export const apiGatewayService: LocalAwsService<RunningApiGateway> = {
  scope: 'apigateway',
  directory: 'apigateway',
  async start(context) {
    const store = await ApiGatewayStore.open(path.join(context.directory, 'state.json'));
    return {
      store,
      handle(request, response) {
        void handleApiGatewayRequest(store, request, response, context);
      },
      close: () => store.flush(),
    };
  },
};
