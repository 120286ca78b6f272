import { LocalBus } from '../../bus/local-bus';
import type { LocalAwsService, RunningService } from '../service';
import { handleEventBridgeRequest } from './handler';

export interface RunningEventBridge extends RunningService {
  /** The local EventBridge (rules, targets, PutEvents, delivery). */
  readonly bus: LocalBus;
}

/** EventBridge (AWS JSON 1.1), served in process by the local bus. */
export const eventBridgeService: LocalAwsService<RunningEventBridge> = {
  scope: 'events',
  targetPrefix: 'AWSEvents.',
  directory: 'eventbridge',
  async start(context) {
    const bus = await LocalBus.open({
      ...context.bus,
      dataDir: context.directory,
      account: context.account,
      region: context.region,
    });
    return {
      bus,
      handle(request, response) {
        void handleEventBridgeRequest(bus, request, response, context);
      },
      close: () => bus.close(),
    };
  },
};
