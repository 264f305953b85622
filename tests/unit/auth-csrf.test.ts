import { describe, expect, it } from 'vitest';
import { hasBearer, isCrossOrigin } from '@/lib/auth/csrf';

const req = (method: string, headers: Record<string, string>) =>
  new Request('http://console.test/api/x', { method, headers: { host: 'console.test', ...headers } });

describe('cross-origin protection', () => {
  it('never blocks safe methods', () => {
    expect(
      isCrossOrigin(req('GET', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })),
    ).toBe(false);
    expect(isCrossOrigin(req('HEAD', { origin: 'https://evil.example' }))).toBe(false);
  });

  it('trusts Sec-Fetch-Site when present', () => {
    expect(isCrossOrigin(req('POST', { 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossOrigin(req('POST', { 'sec-fetch-site': 'none' }))).toBe(false);
    expect(isCrossOrigin(req('POST', { 'sec-fetch-site': 'cross-site' }))).toBe(true);
    // A sibling subdomain is same-site but not same-origin.
    expect(
      isCrossOrigin(req('DELETE', { 'sec-fetch-site': 'same-site', origin: 'http://console.test' })),
    ).toBe(true);
  });

  it('falls back to comparing Origin with Host', () => {
    expect(isCrossOrigin(req('POST', { origin: 'http://console.test' }))).toBe(false);
    expect(isCrossOrigin(req('POST', { origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossOrigin(req('PUT', { origin: 'null' }))).toBe(true);
    expect(
      isCrossOrigin(req('POST', { origin: 'http://other.test', 'x-forwarded-host': 'other.test' })),
    ).toBe(false);
  });

  it('lets non-browser requests (neither header) through', () => {
    expect(isCrossOrigin(req('POST', {}))).toBe(false);
  });

  it('recognises bearer requests', () => {
    expect(hasBearer(req('POST', { authorization: 'Bearer ttfs_x' }))).toBe(true);
    expect(hasBearer(req('POST', { authorization: 'Basic abc' }))).toBe(false);
    expect(hasBearer(req('POST', {}))).toBe(false);
  });
});
