import { type TargetDispatcher, TargetDispatchers } from '../../../src/bus/targets/dispatcher';

function dispatcher(kind: string, claims: (arn: string) => boolean): TargetDispatcher {
  return { kind, canDeliver: claims, deliver: async () => undefined };
}

describe('choosing the dispatcher of a target', () => {
  it('finds the dispatcher of an API destination once it exists, and none once it is gone', () => {
    const destinations = new Set<string>();
    const dispatchers = new TargetDispatchers([dispatcher('HTTPS', (arn) => destinations.has(arn))]);
    const destination = 'arn:aws:events:us-east-1:000000000000:api-destination/hook/1';

    expect(dispatchers.resolve(destination)).toBeUndefined();
    destinations.add(destination);
    expect(dispatchers.resolve(destination)?.kind).toBe('HTTPS');
    destinations.delete(destination);
    expect(dispatchers.resolve(destination)).toBeUndefined();
  });

  it('lets a dispatcher registered later take the ARNs it claims, even ones resolved before', () => {
    const dispatchers = new TargetDispatchers([dispatcher('SQS', () => true)]);
    const arn = 'arn:aws:sqs:us-east-1:000000000000:orders';
    expect(dispatchers.resolve(arn)?.kind).toBe('SQS');

    dispatchers.register(dispatcher('RECORDING', () => true));

    expect(dispatchers.resolve(arn)?.kind).toBe('RECORDING');
  });
});
