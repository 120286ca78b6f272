import type { LocalAwsService, RunningService } from '../service';
import { handleSqsRequest } from './handler';
import { LocalQueueStore } from './queue-store';

export interface RunningSqs extends RunningService {
  /** The local SQS queues. */
  readonly queues: LocalQueueStore;
}

/** SQS (AWS JSON 1.0), served in process; queues are the endpoint's own unless one is shared with it. */
export const sqsService: LocalAwsService<RunningSqs> = {
  scope: 'sqs',
  targetPrefix: 'AmazonSQS.',
  directory: 'queues',
  async start(context) {
    const shared = context.queues;
    const queues =
      shared ??
      new LocalQueueStore(context.directory, {
        account: context.account,
        region: context.region,
        partition: context.partition,
      });
    return {
      queues,
      handle(request, response) {
        void handleSqsRequest(queues, request, response, {
          baseUrl: context.baseUrl(),
          account: context.account,
          ...(context.principals === undefined ? {} : { principals: context.principals }),
          maxBodyBytes: context.maxBodyBytes,
          signal: context.closing,
          onInternalError: context.onInternalError,
        });
      },
      // A shared store is closed by its owner.
      close: async () => {
        if (shared === undefined) await queues.close();
      },
    };
  },
};
