import { type TargetDispatcher, TargetDispatchers } from '../../../src/bus/targets/dispatcher';

function dispatcher(kind: string, claims: (arn: string) => boolean): TargetDispatcher & { asked: number } {
  const counted = {
    kind,
    asked: 0,
    canDeliver(arn: string) {
      counted.asked += 1;
      return claims(arn);
    },
    deliver: async () => undefined,
  };
  return counted;
}

describe('choosing the dispatcher of a target', () => {
  it('asks the dispatchers once per ARN, and again for an ARN none could deliver to yet', () => {
    const destinations = new Set<string>();
    const http = dispatcher('HTTPS', (arn) => destinations.has(arn));
    const sqs = dispatcher('SQS', (arn) => arn.startsWith('arn:aws:sqs:'));
    const dispatchers = new TargetDispatchers([http, sqs]);
    const queue = 'arn:aws:sqs:us-east-1:000000000000:orders';
    const destination = 'arn:aws:events:us-east-1:000000000000:api-destination/hook/1';

    expect(dispatchers.resolve(queue)?.kind).toBe('SQS');
    expect(dispatchers.resolve(queue)?.kind).toBe('SQS');
    expect(sqs.asked).toBe(1);

    expect(dispatchers.resolve(destination)).toBeUndefined();
    destinations.add(destination); // the API destination is created
    expect(dispatchers.resolve(destination)?.kind).toBe('HTTPS');
  });

  it('lets a dispatcher registered later take the ARNs it claims, even ones resolved before', () => {
    const dispatchers = new TargetDispatchers([dispatcher('SQS', () => true)]);
    const arn = 'arn:aws:sqs:us-east-1:000000000000:orders';
    expect(dispatchers.resolve(arn)?.kind).toBe('SQS');

    dispatchers.register(dispatcher('RECORDING', () => true));

    expect(dispatchers.resolve(arn)?.kind).toBe('RECORDING');
  });
});
