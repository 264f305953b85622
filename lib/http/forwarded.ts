import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

// Forwarded headers (X-Forwarded-For, -Proto, -Host, X-Real-IP, Forwarded)
// are believed only when the connection comes from a proxy listed in
// TTFS_TRUSTED_PROXIES (addresses or CIDR ranges, comma-separated, e.g.
// "10.0.0.0/8, 127.0.0.1"). The app server (scripts/http-server.ts) rewrites
// every request before anything reads it: X-Forwarded-For becomes the one
// client address (the nearest hop that is not a trusted proxy), X-Forwarded-Proto
// the scheme that client used, and the other forwarded headers are dropped
// unless a trusted proxy sent them. Sign-in throttling per client, Secure
// cookies, HSTS and the same-origin check read only these rewritten values.

/** The trusted proxies of TTFS_TRUSTED_PROXIES; throws on an entry that is not an address or CIDR range. */
export function trustedProxies(value = process.env.TTFS_TRUSTED_PROXIES ?? ''): BlockList {
  const list = new BlockList();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) throw new Error(`TTFS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
        throw new Error(`TTFS_TRUSTED_PROXIES: "${entry}" has an invalid prefix length`);
      list.addSubnet(address!, prefix, type);
    }
  }
  return list;
}

/** An address as written in headers and by sockets, without IPv4-in-IPv6 mapping or brackets. */
function plainAddress(address: string): string {
  const bare = address.trim().replace(/^\[(.*)\](:\d+)?$/, '$1');
  return bare.startsWith('::ffff:') && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

const DROPPED = ['x-real-ip', 'forwarded', 'x-forwarded-host', 'x-forwarded-port'];

/** Rewrites the request's forwarded headers as described above. */
export function applyForwarding(req: IncomingMessage, trusted: BlockList): void {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  let client = peer;
  let proto = encrypted ? 'https' : 'http';
  const viaProxy = isTrusted(trusted, peer);
  if (viaProxy) {
    const hops = headerValues(req.headers['x-forwarded-for'])
      .map(plainAddress)
      .filter((h) => isIP(h));
    // From the nearest hop back: skip our own proxies; the first other address is the client.
    while (hops.length > 0 && isTrusted(trusted, hops[hops.length - 1]!)) client = hops.pop()!;
    if (hops.length > 0) client = hops[hops.length - 1]!;
    const forwardedProto = headerValues(req.headers['x-forwarded-proto'])[0]?.toLowerCase();
    if (forwardedProto === 'https' || forwardedProto === 'http') proto = forwardedProto;
  } else {
    for (const name of DROPPED) delete req.headers[name];
  }
  delete req.headers['x-real-ip'];
  req.headers['x-forwarded-for'] = client || 'unknown';
  req.headers['x-forwarded-proto'] = proto;
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
