import { AddressClass, classifyAddress, classifyHost, outboundProblem } from '../src/outbound';

const hostOf = (url: string): string => new URL(url).hostname;

describe('classifyHost', () => {
  it.each([
    ['https://127.0.0.1/', AddressClass.LOOPBACK],
    ['https://2130706433/', AddressClass.LOOPBACK],
    ['https://0177.0.0.1/', AddressClass.LOOPBACK],
    ['https://127.1/', AddressClass.LOOPBACK],
    ['https://0x7f.0.0.1/', AddressClass.LOOPBACK],
    ['https://0x7f000001/', AddressClass.LOOPBACK],
    ['https://127.0.0.1./', AddressClass.LOOPBACK],
    ['https://[::1]/', AddressClass.LOOPBACK],
    ['https://[::ffff:127.0.0.1]/', AddressClass.LOOPBACK],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', AddressClass.LOOPBACK],
    ['https://localhost/', AddressClass.LOOPBACK],
    ['https://LOCALHOST./', AddressClass.LOOPBACK],
    ['https://api.localhost/', AddressClass.LOOPBACK],
    ['https://10.0.0.1/', AddressClass.PRIVATE],
    ['https://172.16.5.4/', AddressClass.PRIVATE],
    ['https://192.168.1.1/', AddressClass.PRIVATE],
    ['https://[::ffff:10.0.0.1]/', AddressClass.PRIVATE],
    ['https://[64:ff9b::10.0.0.1]/', AddressClass.PRIVATE],
    ['https://[2002:a00:1::]/', AddressClass.PRIVATE],
    ['https://169.254.1.1/', AddressClass.LINK_LOCAL],
    ['https://[fe80::1]/', AddressClass.LINK_LOCAL],
    ['https://[fd00::1]/', AddressClass.UNIQUE_LOCAL],
    ['https://[fc12:3456::1]/', AddressClass.UNIQUE_LOCAL],
    ['https://100.64.0.1/', AddressClass.CGNAT],
    ['https://100.127.255.254/', AddressClass.CGNAT],
    ['https://169.254.169.254/', AddressClass.METADATA],
    ['https://2852039166/', AddressClass.METADATA],
    ['https://[fd00:ec2::254]/', AddressClass.METADATA],
    ['https://[::ffff:169.254.169.254]/', AddressClass.METADATA],
    ['https://metadata.google.internal/', AddressClass.METADATA],
    ['https://metadata.google.internal./', AddressClass.METADATA],
    ['https://Metadata/', AddressClass.METADATA],
    ['https://db.corp.internal/', AddressClass.METADATA],
    ['https://0.0.0.0/', AddressClass.UNSPECIFIED],
    ['https://0/', AddressClass.UNSPECIFIED],
    ['https://[::]/', AddressClass.UNSPECIFIED],
    ['https://224.0.0.1/', AddressClass.MULTICAST],
    ['https://255.255.255.255/', AddressClass.RESERVED],
  ])('classifies %s as %s', (url, kind) => {
    expect(classifyHost(hostOf(url))).toBe(kind);
  });

  it.each([
    'https://hooks.example.com/',
    'https://8.8.8.8/',
    'https://100.128.0.1/',
    'https://172.32.0.1/',
    'https://[2606:4700::1111]/',
    'https://169.255.0.1/',
  ])('leaves the public host of %s unclassified', (url) => {
    expect(classifyHost(hostOf(url))).toBeUndefined();
  });
});

describe('classifyAddress', () => {
  it('classifies resolved addresses as a resolver returns them', () => {
    expect(classifyAddress('10.1.2.3')).toBe(AddressClass.PRIVATE);
    expect(classifyAddress('::ffff:192.168.0.1')).toBe(AddressClass.PRIVATE);
    expect(classifyAddress('fe80::1%eth0')).toBe(AddressClass.LINK_LOCAL);
    expect(classifyAddress('93.184.216.34')).toBeUndefined();
  });

  it('does not take text that is not an address for one', () => {
    expect(classifyAddress('1.2.3.4.5')).toBeUndefined();
    expect(classifyAddress('256.1.1.1')).toBeUndefined();
    expect(classifyAddress('1::2::3')).toBeUndefined();
  });
});

describe('outboundProblem', () => {
  it('says why a host is refused', () => {
    expect(outboundProblem('169.254.169.254', 443)).toBe(
      'the host 169.254.169.254 is a cloud metadata service; consumers must be reachable on the public internet',
    );
    expect(outboundProblem('10.0.0.1', 443)).toBe(
      'the host 10.0.0.1 is a private address; consumers must be reachable on the public internet',
    );
  });

  it('allows loopback only when asked, and never on a reserved port', () => {
    expect(outboundProblem('127.0.0.1', 8080)).toMatch(/is a loopback address/);
    expect(outboundProblem('127.0.0.1', 8080, { allowLoopback: true })).toBeUndefined();
    expect(outboundProblem('127.0.0.1', 4566, { allowLoopback: true, reservedLoopbackPorts: [4566] })).toBe(
      "the host 127.0.0.1 is this runtime's own port 4566; the broker never calls itself",
    );
    expect(outboundProblem('10.0.0.1', 443, { allowLoopback: true })).toMatch(/private address/);
  });

  it('passes public hosts', () => {
    expect(outboundProblem('hooks.example.com', 443)).toBeUndefined();
  });
});
