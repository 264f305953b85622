import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, signatureHash } from '@/lib/signatures/hash';

describe('canonical signature hash', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('does not depend on key order', () => {
    expect(signatureHash({ phase: 'fetch', error_code: 'E1' })).toBe(
      signatureHash({ error_code: 'E1', phase: 'fetch' }),
    );
  });

  it('is the SHA-256 hex of the canonical JSON', () => {
    const expected = createHash('sha256').update('{"error_code":"E1","phase":"fetch"}').digest('hex');
    expect(signatureHash({ phase: 'fetch', error_code: 'E1' })).toBe(expected);
  });

  it('changes when any value changes', () => {
    expect(signatureHash({ phase: 'fetch' })).not.toBe(signatureHash({ phase: 'restore' }));
  });
});
