import { BlockList, isIP } from 'net';
import { lookup } from 'dns/promises';

const MAX_URL_LENGTH = 2048;

/** Loopback, private, link-local, CGNAT, unspecified and multicast ranges: never a customer's public endpoint. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking networks, routed inside some data centres
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated, still routed by some networks)
  // Local-use NAT64 (RFC 8215): a network's own translator, whose prefix length (and so where the IPv4
  // address sits) only that network knows; never a customer's public endpoint.
  ['64:ff9b:1::', 48],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Why `text` is not an acceptable webhook URL (http or https, a host, no credentials), or undefined. */
export function webhookUrlProblem(text: string): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `webhook_url must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'webhook_url must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'webhook_url must use http or https';
  if (url.username || url.password) return 'webhook_url must not carry credentials';
  return undefined;
}

/**
 * IPv6 ranges whose last 32 bits are an IPv4 address the packet ends up at: IPv4-mapped (::ffff:0:0/96),
 * IPv4-translated (SIIT, ::ffff:0:0:0/96), IPv4-compatible (::/96) and the well-known NAT64 prefix
 * 64:ff9b::/96 (RFC 6052). On an IPv6-only cluster with NAT64, 64:ff9b::a9fe:a9fe is 169.254.169.254.
 * (Local-use NAT64 is refused outright: PRIVATE.)
 */
const EMBEDS_IPV4 = new BlockList();
for (const [net, bits] of [
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  ['::', 96],
  ['64:ff9b::', 96],
] as const)
  EMBEDS_IPV4.addSubnet(net, bits, 'ipv6');

/** 6to4 (RFC 3056): 2002:AABB:CCDD::/48 is the IPv4 host AA.BB.CC.DD's network, reached through a relay. */
const SIX_TO_FOUR = new BlockList();
SIX_TO_FOUR.addSubnet('2002::', 16, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) !== 6) return PRIVATE.check(address, 'ipv4');
  const groups = ipv6Groups(address);
  if (EMBEDS_IPV4.check(address, 'ipv6')) return PRIVATE.check(ipv4Of(groups[6], groups[7]), 'ipv4');
  if (SIX_TO_FOUR.check(address, 'ipv6')) return PRIVATE.check(ipv4Of(groups[1], groups[2]), 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted IPv4 tail (::127.0.0.1) read as two. */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of the address
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text =
      text.slice(0, text.length - dotted[0].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * The first private address the URL's host is or resolves to, else undefined. Checked when arming; every
 * delivery checks again, on the very addresses it connects to (webhook-sender.ts pinnedLookup).
 */
export async function privateAddressOf(url: string): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  return addresses.find(isPrivateAddress);
}
