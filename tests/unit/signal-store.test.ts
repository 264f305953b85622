// The lookup cache's off-heap store (lib/cache/signal-store.ts), checked
// against a plain Map model under random operations, plus its edges: keys that
// are not UUIDs, oversized bodies, expiry, eviction order, failed-job drops.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseUuid, SignalStore, SLOT_BYTES, type StoredSignal } from '@/lib/cache/signal-store';

const FAR = Number.MAX_SAFE_INTEGER;

function signal(n: number, extra: Partial<StoredSignal> = {}): StoredSignal {
  return {
    tenantId: `tenant-${n % 3}`,
    etag: `W/"${n.toString(36)}"`,
    body: JSON.stringify({ n, summary: 'é'.repeat(n % 7) }),
    source: n % 2 ? 'snapshot' : 'failure_index',
    failed: n % 2 === 0,
    expiresAt: FAR,
    ...extra,
  };
}

describe('parseUuid', () => {
  it('reads any case into four words and refuses anything else', () => {
    const out = new Uint32Array(4);
    expect(parseUuid('0123abcd-4567-89ef-ABCD-ef0123456789', out)).toBe(true);
    expect([...out]).toEqual([0x0123abcd, 0x456789ef, 0xabcdef01, 0x23456789]);
    for (const bad of [
      '',
      'x',
      '0123abcd-4567-89ef-abcd-ef012345678',
      '0123abcd-4567-89ef-abcd-ef012345678g',
      '0123abcd_4567-89ef-abcd-ef0123456789',
      '0123abcd-4567-89ef-abcd-ef012345678é',
    ]) {
      expect(parseUuid(bad, out)).toBe(false);
    }
  });
});

describe('SignalStore', () => {
  it('behaves like a Map with oldest-first eviction under random sets, deletes and failed drops', () => {
    const capacity = 64;
    const store = new SignalStore(capacity);
    // The model: insertion order, and each entry's position in the round-robin sequence.
    const model = new Map<string, { entry: StoredSignal; seq: number }>();
    const ids = Array.from({ length: 200 }, () => randomUUID());
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      const id = ids[Math.floor(Math.random() * ids.length)]!;
      const action = Math.random();
      if (action < 0.6) {
        const entry = signal(step);
        expect(store.set(id, entry)).toBe(true);
        model.set(id, { entry, seq: seq++ });
        // The store evicts whatever held the slot `capacity` writes ago.
        for (const [key, held] of model) if (held.seq <= seq - 1 - capacity) model.delete(key);
      } else if (action < 0.95) {
        store.delete(id);
        model.delete(id);
      } else {
        store.deleteFailed();
        for (const [key, held] of model) if (held.entry.failed) model.delete(key);
      }
      if (step % 97 === 0)
        for (const other of ids) expect(store.get(other, 0)).toEqual(model.get(other)?.entry);
      expect(store.size).toBe(model.size);
    }
  });

  it('round-trips UTF-8 bodies that fill a slot exactly, and keeps larger ones on the heap', () => {
    const store = new SignalStore(4);
    const etag = 'W/"e"';
    // 'é' is two bytes in UTF-8: the slot's byte budget, not the string's length, decides.
    const budget = SLOT_BYTES - etag.length;
    const exact = 'é'.repeat(Math.floor(budget / 2)) + 'x'.repeat(budget % 2);
    const over = `${exact}y`;
    expect(Buffer.byteLength(exact) + etag.length).toBe(SLOT_BYTES);
    const [a, b] = [randomUUID(), randomUUID()];
    store.set(a, signal(1, { etag, body: exact }));
    store.set(b, signal(2, { etag, body: over }));
    expect(store.get(a, 0)!.body).toBe(exact);
    expect(store.get(b, 0)!.body).toBe(over);
    store.delete(b);
    expect(store.get(b, 0)).toBeUndefined();
    expect(store.get(a, 0)!.body).toBe(exact);
    expect(store.size).toBe(1);
  });

  it('serves what was stored even after its slot is taken by a later entry (the old key is gone)', () => {
    const store = new SignalStore(1);
    const [a, b] = [randomUUID(), randomUUID()];
    store.set(a, signal(1, { body: '{"a":1}' }));
    const served = store.get(a, 0)!;
    store.set(b, signal(2, { body: '{"b":2}' }));
    expect(served.body).toBe('{"a":1}');
    expect(store.get(a, 0)).toBeUndefined();
    expect(store.get(b, 0)!.body).toBe('{"b":2}');
  });

  it('finds keys in any case, refuses keys that are not UUIDs and ETags it cannot hold', () => {
    const store = new SignalStore(8);
    const id = randomUUID();
    store.set(id.toUpperCase(), signal(4));
    expect(store.get(id, 0)?.etag).toBe(signal(4).etag);
    expect(store.set('not-a-uuid', signal(5))).toBe(false);
    expect(store.set(randomUUID(), signal(6, { etag: 'W/"€"' }))).toBe(false);
    expect(store.set(randomUUID(), signal(7, { etag: 'x'.repeat(256) }))).toBe(false);
    expect(store.size).toBe(1);
    // A refused new value still drops the old one, which is no longer current.
    expect(store.set(id, signal(10, { etag: 'W/"€"' }))).toBe(false);
    expect(store.get(id, 0)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('does not serve an entry at or past its expiry, and forgets it', () => {
    const store = new SignalStore(8);
    const id = randomUUID();
    store.set(id, signal(8, { expiresAt: 1_000 }));
    expect(store.get(id, 999)?.expiresAt).toBe(1_000);
    expect(store.get(id, 1_000)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('empties on clear and fills again', () => {
    const store = new SignalStore(8);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    ids.forEach((id, n) => store.set(id, signal(n)));
    store.clear();
    expect(store.size).toBe(0);
    for (const id of ids) expect(store.get(id, 0)).toBeUndefined();
    store.set(ids[0]!, signal(9));
    expect(store.get(ids[0]!, 0)?.body).toBe(signal(9).body);
  });
});
