export const DEMO_TENANTS = [
  { id: '11111111-1111-4111-8111-111111111111', slug: 'acme', name: 'Acme Registry', weight: 1.0 },
  { id: '22222222-2222-4222-8222-222222222222', slug: 'globex', name: 'Globex Cloud', weight: 0.7 },
  { id: '33333333-3333-4333-8333-333333333333', slug: 'initech', name: 'Initech CI', weight: 0.45 },
] as const;

export const PHASES = ['resolve', 'fetch', 'restore', 'analyze', 'policy', 'report'] as const;

/** Small deterministic PRNG (mulberry32) so the demo looks the same on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
      hex[12] = '4';
      hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}
