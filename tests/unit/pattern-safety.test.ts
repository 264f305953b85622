import { describe, expect, it } from 'vitest';
import { imagePatternSafety } from '@/lib/signatures/pattern-safety';
import { signaturePattern } from '@/lib/schemas/signature';
import { SAFE_PATTERNS, UNSAFE_PATTERNS } from '../helpers/pattern-cases';

describe('image patterns PostgreSQL matches in bounded time', () => {
  it.each(SAFE_PATTERNS)('accepts %s', (pattern) => {
    expect(imagePatternSafety(pattern)).toEqual({ safe: true });
  });

  it.each(UNSAFE_PATTERNS)('refuses %s, saying why', (pattern) => {
    const verdict = imagePatternSafety(pattern);
    expect(verdict.safe).toBe(false);
    expect(verdict.safe === false && verdict.reason.length).toBeGreaterThan(10);
  });

  it('refuses an unsafe pattern in the signature schema with the field path', () => {
    const result = signaturePattern.safeParse({ image_pattern: '^(.*)(.*)(.*)\\1\\2\\3$' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['image_pattern'],
      message: expect.stringContaining('back-references'),
    });
  });
});
