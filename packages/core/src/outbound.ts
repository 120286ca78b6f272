/**
 * Outbound safety: which hosts and addresses the broker may call on a consumer's behalf. Pure (no DNS): the
 * subscribe-time check reads the URL's host as written; the delivery-time check (local runtime) applies the
 * same classification to every address a name resolves to, and connects only to an address it checked.
 */

/** Why an address is not a public internet address. */
export const AddressClass = {
  LOOPBACK: 'loopback',
  PRIVATE: 'private',
  LINK_LOCAL: 'link-local',
  UNIQUE_LOCAL: 'unique-local',
  CGNAT: 'carrier-grade NAT',
  METADATA: 'cloud metadata',
  UNSPECIFIED: 'unspecified',
  MULTICAST: 'multicast',
  RESERVED: 'reserved',
} as const;
export type AddressClass = (typeof AddressClass)[keyof typeof AddressClass];

/** Host names of cloud metadata services (lowercase, without a trailing dot). */
const METADATA_HOST_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Addresses of cloud metadata services (EC2 IMDS v4/v6, ECS task metadata, Alibaba, Oracle). */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '169.254.169.253',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2:0:0:0:0:0:254',
  'fd00:ec2:0:0:0:0:0:23',
]);

interface Ipv4Range {
  readonly base: number;
  readonly bits: number;
  readonly kind: AddressClass;
}

const v4 = (text: string): number => {
  const parts = text.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
};

/** Special-purpose IPv4 ranges (RFC 6890 and friends), most specific first. */
const IPV4_RANGES: readonly Ipv4Range[] = [
  { base: v4('0.0.0.0'), bits: 32, kind: AddressClass.UNSPECIFIED },
  { base: v4('0.0.0.0'), bits: 8, kind: AddressClass.RESERVED },
  { base: v4('10.0.0.0'), bits: 8, kind: AddressClass.PRIVATE },
  { base: v4('100.64.0.0'), bits: 10, kind: AddressClass.CGNAT },
  { base: v4('127.0.0.0'), bits: 8, kind: AddressClass.LOOPBACK },
  { base: v4('169.254.0.0'), bits: 16, kind: AddressClass.LINK_LOCAL },
  { base: v4('172.16.0.0'), bits: 12, kind: AddressClass.PRIVATE },
  { base: v4('192.0.0.0'), bits: 24, kind: AddressClass.RESERVED },
  { base: v4('192.0.2.0'), bits: 24, kind: AddressClass.RESERVED },
  { base: v4('192.168.0.0'), bits: 16, kind: AddressClass.PRIVATE },
  { base: v4('198.18.0.0'), bits: 15, kind: AddressClass.RESERVED },
  { base: v4('198.51.100.0'), bits: 24, kind: AddressClass.RESERVED },
  { base: v4('203.0.113.0'), bits: 24, kind: AddressClass.RESERVED },
  { base: v4('224.0.0.0'), bits: 4, kind: AddressClass.MULTICAST },
  { base: v4('240.0.0.0'), bits: 4, kind: AddressClass.RESERVED },
];

/** Parses a dotted-quad IPv4 address (canonical form, as DNS answers and WHATWG URLs give it). */
function parseIpv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (match === null) return undefined;
  const parts = match.slice(1).map(Number);
  if (parts.some((part) => part > 255)) return undefined;
  return v4(parts.join('.'));
}

/** Parses an IPv6 address (with an optional embedded IPv4 tail) into eight 16-bit groups. */
function parseIpv6(text: string): number[] | undefined {
  const address = text.replace(/%.*$/, '').toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(address) || address.split('::').length > 2) return undefined;
  const expand = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes('.') && index === pieces.length - 1) {
        const embedded = parseIpv4(piece);
        if (embedded === undefined) return undefined;
        groups.push(embedded >>> 16, embedded & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) groups.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const [head = '', tail] = address.split('::');
  const front = expand(head);
  const back = tail === undefined ? [] : expand(tail);
  if (front === undefined || back === undefined) return undefined;
  if (tail === undefined) return front.length === 8 ? front : undefined;
  const missing = 8 - front.length - back.length;
  if (missing < 1) return undefined;
  return [...front, ...new Array<number>(missing).fill(0), ...back];
}

function classifyIpv4(address: number, text: string): AddressClass | undefined {
  if (METADATA_ADDRESSES.has(text)) return AddressClass.METADATA;
  if (address === 0xffffffff) return AddressClass.RESERVED;
  for (const range of IPV4_RANGES) {
    const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
    if ((address & mask) >>> 0 === range.base) return range.kind;
  }
  return undefined;
}

const ipv4Text = (address: number): string =>
  [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');

function classifyIpv6(groups: number[]): AddressClass | undefined {
  const g = (index: number): number => groups[index] ?? 0;
  if (METADATA_ADDRESSES.has(groups.map((group) => group.toString(16)).join(':'))) {
    return AddressClass.METADATA;
  }
  const embedded = (high: number, low: number): AddressClass | undefined => {
    const address = ((high << 16) | low) >>> 0;
    return classifyIpv4(address, ipv4Text(address));
  };
  const firstFiveZero = [0, 1, 2, 3, 4].every((index) => g(index) === 0);
  if (firstFiveZero && g(5) === 0 && g(6) === 0) {
    if (g(7) === 0) return AddressClass.UNSPECIFIED;
    if (g(7) === 1) return AddressClass.LOOPBACK;
  }
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d).
  if (firstFiveZero && (g(5) === 0xffff || g(5) === 0)) return embedded(g(6), g(7)) ?? AddressClass.RESERVED;
  if (g(0) === 0 && g(1) === 0 && g(2) === 0 && g(3) === 0 && g(4) === 0xffff && g(5) === 0) {
    return embedded(g(6), g(7)) ?? AddressClass.RESERVED;
  }
  // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48) reaches the IPv4 address it embeds.
  if (g(0) === 0x64 && g(1) === 0xff9b)
    return embedded(g(6), g(7)) ?? (g(2) === 1 ? AddressClass.PRIVATE : undefined);
  // 6to4 (2002::/16) embeds an IPv4 address in bits 16–47.
  if (g(0) === 0x2002) return embedded(g(1), g(2));
  if ((g(0) & 0xfe00) === 0xfc00) return AddressClass.UNIQUE_LOCAL;
  if ((g(0) & 0xffc0) === 0xfe80) return AddressClass.LINK_LOCAL;
  if ((g(0) & 0xffc0) === 0xfec0) return AddressClass.PRIVATE;
  if ((g(0) & 0xff00) === 0xff00) return AddressClass.MULTICAST;
  if (g(0) === 0x100 && g(1) === 0 && g(2) === 0 && g(3) === 0) return AddressClass.RESERVED;
  if (g(0) === 0x2001 && g(1) === 0xdb8) return AddressClass.RESERVED;
  return undefined;
}

/** The IP version of `text` (4 or 6), or 0 when it is not an IP address literal. */
export function ipVersion(text: string): 0 | 4 | 6 {
  const bare = text.replace(/^\[|\]$/g, '');
  if (parseIpv4(bare) !== undefined) return 4;
  return bare.includes(':') && parseIpv6(bare) !== undefined ? 6 : 0;
}

/**
 * The class of an IP address (`127.0.0.1`, `::ffff:7f00:1`, `[fd00::1]`), or `undefined` for a public
 * address. Throws nothing; text that is not an address is `undefined` (use `ipVersion` to tell).
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  const ipv4 = parseIpv4(bare);
  if (ipv4 !== undefined) return classifyIpv4(ipv4, bare);
  const ipv6 = bare.includes(':') ? parseIpv6(bare) : undefined;
  return ipv6 === undefined ? undefined : classifyIpv6(ipv6);
}

/**
 * The class of a URL host as a WHATWG `URL` gives it (`new URL(u).hostname`, which already turns `2130706433`,
 * `0177.0.0.1`, `127.1` and `0x7f.1` into `127.0.0.1`): an address literal is classified as an address; names
 * of this machine (`localhost`, `*.localhost`) are loopback; metadata service names and `*.internal` names are
 * metadata. Other names are `undefined` here: only resolving them can tell, at delivery time.
 */
export function classifyHost(hostname: string): AddressClass | undefined {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  if (ipVersion(host) !== 0) return classifyAddress(host);
  if (host === '') return AddressClass.UNSPECIFIED;
  if (host === 'localhost' || host.endsWith('.localhost')) return AddressClass.LOOPBACK;
  if (METADATA_HOST_NAMES.has(host) || host.endsWith('.internal')) return AddressClass.METADATA;
  return undefined;
}

export interface OutboundPolicy {
  /** Loopback hosts may be targets (the embedded local runtime's consumers). @default false */
  readonly allowLoopback?: boolean;
  /** Ports that are never a target on a loopback host (the local runtime's own servers). @default none */
  readonly reservedLoopbackPorts?: readonly number[];
}

/**
 * Why the broker must not call `host` (an address or a host name) on `port`, or `undefined` when it may.
 * `subject` names the host in the message, e.g. `the host 10.0.0.1` or `example.com resolves to 10.0.0.1, which`.
 */
export function outboundProblem(
  host: string,
  port: number,
  policy: OutboundPolicy = {},
  subject = `the host ${host}`,
): string | undefined {
  const kind = classifyHost(host);
  if (kind === undefined) return undefined;
  if (kind === AddressClass.LOOPBACK && policy.allowLoopback === true) {
    return policy.reservedLoopbackPorts?.includes(port) === true
      ? `${subject} is this runtime's own port ${port}; the broker never calls itself`
      : undefined;
  }
  const why =
    kind === AddressClass.METADATA
      ? 'a cloud metadata service'
      : kind === AddressClass.LOOPBACK
        ? 'a loopback address (this machine)'
        : `a ${kind} address`;
  return `${subject} is ${why}; consumers must be reachable on the public internet`;
}

/** The port a URL connects to (its explicit port, else the scheme's default). */
export function urlPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}
