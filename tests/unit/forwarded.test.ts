import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { applyForwarding, trustedProxies } from '@/lib/http/forwarded';
import { safeReturnPath } from '@/lib/auth/claims';
import { isSecureRequest } from '@/lib/auth/config';
import { clientAddress } from '@/lib/auth/sign-in';

function request(peer: string, headers: Record<string, string>, encrypted = false): IncomingMessage {
  return {
    socket: { remoteAddress: peer, encrypted },
    headers: { ...headers },
  } as unknown as IncomingMessage;
}
const asWeb = (req: IncomingMessage) =>
  new Request('http://console.test/', { headers: req.headers as Record<string, string> });

describe('forwarded headers', () => {
  it('ignores X-Forwarded-For, -Proto and -Host from a client that is not a trusted proxy', () => {
    const req = request('203.0.113.9', {
      'x-forwarded-for': '10.1.2.3',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      'x-real-ip': '10.9.9.9',
    });
    applyForwarding(req, trustedProxies(''));
    expect(clientAddress(asWeb(req))).toBe('203.0.113.9');
    expect(isSecureRequest(asWeb(req))).toBe(false);
    expect(req.headers['x-forwarded-host']).toBeUndefined();
    expect(req.headers['x-real-ip']).toBeUndefined();
  });

  it('believes a trusted proxy, skipping every trusted hop, and takes its scheme', () => {
    const trusted = trustedProxies('10.0.0.0/8, 192.168.1.7, ::1');
    const req = request('::ffff:10.0.0.5', {
      'x-forwarded-for': '198.51.100.1, 203.0.113.50, 192.168.1.7',
      'x-forwarded-proto': 'https',
    });
    applyForwarding(req, trusted);
    // A client-supplied first entry (198.51.100.1) is not believed: the nearest untrusted hop is the client.
    expect(clientAddress(asWeb(req))).toBe('203.0.113.50');
    expect(isSecureRequest(asWeb(req))).toBe(true);
  });

  it('uses the connection itself when nothing is forwarded', () => {
    const req = request('::1', {}, true);
    applyForwarding(req, trustedProxies('127.0.0.1'));
    expect(req.headers['x-forwarded-for']).toBe('::1');
    expect(req.headers['x-forwarded-proto']).toBe('https');
  });

  it('refuses a malformed TTFS_TRUSTED_PROXIES entry at start-up', () => {
    expect(() => trustedProxies('10.0.0.0/99')).toThrow(/prefix/);
    expect(() => trustedProxies('proxy.internal')).toThrow(/not an IP address/);
  });
});

describe('post-sign-in destinations', () => {
  it.each([
    ['/jobs/1?x=2#h', '/jobs/1?x=2#h'],
    ['/\t/evil.example/phish', '/'],
    ['/\n/evil.example', '/'],
    ['/\\evil.example', '/'],
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['/api/v1/tokens', '/'],
    ['/sign-in?next=/x', '/'],
    ['/a/../../b', '/b'],
  ])('%j -> %j', (next, expected) => {
    expect(safeReturnPath(next)).toBe(expected);
  });
});
