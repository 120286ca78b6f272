import { LocalBus } from '../../bus/local-bus';
import { EventBusMetrics } from '../cloudwatch/event-bus-metrics';
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
    // EventBridge's per-rule metrics (AWS/Events), as the bus in AWS publishes them.
    const metrics = context.metrics === undefined ? undefined : new EventBusMetrics(context.metrics);
    const bus = await LocalBus.open({
      ...context.bus,
      onDelivery: (report) => {
        metrics?.delivery(report);
        context.bus?.onDelivery?.(report);
      },
      onMatched: (eventBusName, ruleNames) => {
        metrics?.matched(eventBusName, ruleNames);
        context.bus?.onMatched?.(eventBusName, ruleNames);
      },
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
