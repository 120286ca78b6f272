import { validateSubscriptionRequest } from '../src/subscription-validation';
import { errorsOf } from './support/requests';

describe('outbound safety of HTTPS consumers', () => {
  const https = (connection_string: string) => ({
    event_type: 'parcel_delivered',
    version: 1,
    connection_type: 'HTTPS',
    connection_string,
  });

  it.each([
    ['https://169.254.169.254/latest', 'the host 169.254.169.254 is a cloud metadata service'],
    ['https://metadata.google.internal/', 'the host metadata.google.internal is a cloud metadata service'],
    ['https://[fd00:ec2::254]/', 'the host [fd00:ec2::254] is a cloud metadata service'],
    ['https://10.0.0.1/', 'the host 10.0.0.1 is a private address'],
    ['https://[fd00::1]/', 'the host [fd00::1] is a unique-local address'],
    ['https://100.64.1.1/', 'the host 100.64.1.1 is a carrier-grade NAT address'],
    ['https://169.254.10.10/', 'the host 169.254.10.10 is a link-local address'],
    ['https://127.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://2130706433/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://0177.0.0.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://0x7f.0.0.1/', 'the host 127.0.0.1 is a loopback address (this machine)'],
    ['https://[::1]/', 'the host [::1] is a loopback address (this machine)'],
    ['https://[::ffff:127.0.0.1]/', 'the host [::ffff:7f00:1] is a loopback address (this machine)'],
    ['https://localhost./', 'the host localhost. is a loopback address (this machine)'],
  ])('refuses %s at subscribe time, saying why', (url, reason) => {
    expect(errorsOf(validateSubscriptionRequest(https(url)))).toEqual([
      {
        path: '$.connection_string',
        message: `${reason}; consumers must be reachable on the public internet`,
      },
    ]);
  });

  it('keeps refusing private hosts when loopback targets are allowed', () => {
    expect(
      errorsOf(validateSubscriptionRequest(https('https://192.168.0.10/'), { allowLoopbackTargets: true })),
    ).toEqual([
      {
        path: '$.connection_string',
        message:
          'the host 192.168.0.10 is a private address; consumers must be reachable on the public internet',
      },
    ]);
  });

  it("refuses the local runtime's own ports on loopback", () => {
    const options = { allowLoopbackTargets: true, reservedLoopbackPorts: [4566, 3000] };
    expect(errorsOf(validateSubscriptionRequest(https('http://127.0.0.1:4566/'), options))).toEqual([
      {
        path: '$.connection_string',
        message: "the host 127.0.0.1 is this runtime's own port 4566; the broker never calls itself",
      },
    ]);
    expect(validateSubscriptionRequest(https('http://127.0.0.1:4567/'), options).ok).toBe(true);
  });
});
