import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** A webhook destination Portage refuses to reach. */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused';
}

const IPV4_RANGES: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this" network, the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const IPV6_RANGES: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 of any IPv4 address
  ['100::', 64], // discard
  ['fc00::', 7], // unique local, cloud metadata (fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const FORBIDDEN = new BlockList();
for (const [network, prefix] of IPV4_RANGES) FORBIDDEN.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of IPV6_RANGES) FORBIDDEN.addSubnet(network, prefix, 'ipv6');
// Asked only of IPv6 addresses: a BlockList matches every IPv4 address against this range.
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * Why an address is not a place webhooks may go (private, loopback,
 * link-local, metadata, unspecified, multicast, or IPv4-mapped IPv6), or null
 * when it is public.
 */
export function forbiddenReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (type === 'ipv6' && IPV4_MAPPED.check(address, 'ipv6')) {
    return `${address} is an IPv4-mapped IPv6 address`;
  }
  if (FORBIDDEN.check(address, type)) {
    return `${address} is a private, loopback, link-local or reserved address`;
  }
  return null;
}

/**
 * A `lookup` for the HTTP request that resolves the host itself and refuses
 * it when any of its addresses is forbidden: the socket then connects to the
 * very address checked, so a name that resolves differently a moment later
 * (DNS rebinding) gains nothing. With `allowPrivate` every address passes.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, resolved: LookupAddress[]) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      if (!allowPrivate) {
        for (const { address } of resolved) {
          const reason = forbiddenReason(address);
          if (reason !== null) {
            callback(new DestinationRefused(`${hostname} resolves to ${reason}`), '', 0);
            return;
          }
        }
      }
      if (options.all === true) {
        (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, resolved);
        return;
      }
      const first = resolved[0];
      if (first === undefined)
        callback(new DestinationRefused(`${hostname} has no address`), '', 0);
      else callback(null, first.address, first.family);
    });
  };
}
