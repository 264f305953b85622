// The job signal cache's storage, kept off V8's heap.
//
// Why: on V8's heap each cached signal was four objects (the entry, its key
// string, its ETag string and a Buffer handle: ~370 bytes) in a Map of up to
// 100,000 entries. Every one lived for minutes: copied by a young-generation
// scavenge, promoted, then marked by every major collection while the cache was
// full, and the Map's table was rebuilt as it grew. Here an entry is a row of
// typed arrays and a fixed slot of bytes in large Buffers: adding one allocates
// nothing the collector must copy or mark. A lookup builds a short-lived view
// (the ETag and the body decoded into strings), which dies young and costs a
// scavenge nothing. The body is handed out as a string, not a Buffer: a Buffer
// per hit would be a slice of Node's shared 8 KB pool, and those pools, kept
// alive by responses in flight, were promoted and piled up in the old
// generation (four times the mark-compacts). A string is copied into the
// socket when written, so a slot reused later can never change bytes still
// queued. Measured in docs/performance.md ("The lookup cache off the heap").
//
// Layout:
//   * keys are job ids (UUIDs) held as four 32-bit words; a key that is not a
//     UUID is never stored;
//   * an open-addressing hash table (linear probing, backward-shift deletion)
//     maps a key to its entry index; it is kept at most half full;
//   * entry i owns slot i: SLOT_BYTES bytes holding its ETag then its body.
//     A body that does not fit is kept in `oversized` (on the heap: rare);
//   * tenant ids and sources are interned (a console has few of each);
//   * entries are placed round-robin: a new entry takes the slot after the last
//     one written, evicting whatever lives there. That is the oldest write, as a
//     Map's insertion order gave before; a slot freed by an invalidation is
//     reused when its turn comes.

export interface StoredSignal {
  tenantId: string;
  etag: string;
  /** The JSON text. */
  body: string;
  source: string;
  failed: boolean;
  /** Epoch ms after which the entry must not be served. */
  expiresAt: number;
}

/** Bytes per entry for its ETag and body; larger bodies go to the heap. */
export const SLOT_BYTES = 1024;
/** Slots are allocated this many at a time, as entries arrive. */
const CHUNK_SLOTS = 1024;
/** Interned strings beyond this (many tenants over time) start the cache afresh. */
const MAX_INTERNED = 65_536;

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Parses a UUID (any case) into `out[0..3]`; false when `key` is not one.
 * Hand-written: it runs on every lookup and must not allocate.
 */
export function parseUuid(key: string, out: Uint32Array): boolean {
  if (key.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = key.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false; // '-'
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v < 0) return false;
    word = (word << 4) | v;
    if (++digits % 8 === 0) {
      out[digits / 8 - 1] = word >>> 0;
      word = 0;
    }
  }
  return true;
}

function mix(w: Uint32Array): number {
  let h = Math.imul(w[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w[1]! ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w[2]! ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w[3]! ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}

export class SignalStore {
  readonly capacity: number;
  private readonly mask: number;
  /** Hash table: entry index + 1, or 0 for an empty bucket. */
  private readonly table: Int32Array;
  private readonly keys: Uint32Array;
  private readonly hashes: Uint32Array;
  private readonly live: Uint8Array;
  private readonly failed: Uint8Array;
  private readonly tenant: Uint32Array;
  private readonly source: Uint32Array;
  private readonly expires: Float64Array;
  private readonly etagLength: Uint16Array;
  /** Body length in UTF-8 bytes; -1 when the body is in `oversized`. */
  private readonly bodyLength: Int32Array;
  private readonly chunks: Buffer[] = [];
  private oversized = new Map<number, string>();
  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  private cursor = 0;
  private count = 0;
  private readonly scratch = new Uint32Array(4);

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    let buckets = 2;
    while (buckets < this.capacity * 2) buckets *= 2;
    this.mask = buckets - 1;
    this.table = new Int32Array(buckets);
    this.keys = new Uint32Array(this.capacity * 4);
    this.hashes = new Uint32Array(this.capacity);
    this.live = new Uint8Array(this.capacity);
    this.failed = new Uint8Array(this.capacity);
    this.tenant = new Uint32Array(this.capacity);
    this.source = new Uint32Array(this.capacity);
    this.expires = new Float64Array(this.capacity);
    this.etagLength = new Uint16Array(this.capacity);
    this.bodyLength = new Int32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The entry for `key` (a fresh copy), or undefined. An expired entry is dropped. */
  get(key: string, now: number): StoredSignal | undefined {
    const index = this.find(key);
    if (index < 0) return undefined;
    if (!(now < this.expires[index]!)) {
      this.remove(index);
      return undefined;
    }
    const chunk = this.chunk(index);
    const offset = (index % CHUNK_SLOTS) * SLOT_BYTES;
    const etagLength = this.etagLength[index]!;
    const bodyLength = this.bodyLength[index]!;
    const body =
      bodyLength < 0
        ? this.oversized.get(index)!
        : chunk.toString('utf8', offset + etagLength, offset + etagLength + bodyLength);
    return {
      tenantId: this.strings[this.tenant[index]!]!,
      etag: chunk.toString('latin1', offset, offset + etagLength),
      body,
      source: this.strings[this.source[index]!]!,
      failed: this.failed[index] === 1,
      expiresAt: this.expires[index]!,
    };
  }

  /** Stores (or replaces) the entry; false when it cannot be kept (not a UUID key, an ETag that is not short Latin-1). */
  set(key: string, entry: StoredSignal): boolean {
    if (!parseUuid(key, this.scratch)) return false;
    const w = this.scratch;
    const hash = mix(w);
    const existing = this.lookup(w, hash);
    if (existing >= 0) this.remove(existing);
    // Refused, the old value is gone all the same: it is no longer current.
    if (entry.etag.length > 255 || !isLatin1(entry.etag)) return false;
    if (this.strings.length + 2 > MAX_INTERNED) this.clear();

    const index = this.cursor;
    this.cursor = (this.cursor + 1) % this.capacity;
    if (this.live[index]) this.remove(index);

    this.keys.set(w, index * 4);
    this.hashes[index] = hash;
    this.tenant[index] = this.intern(entry.tenantId);
    this.source[index] = this.intern(entry.source);
    this.failed[index] = entry.failed ? 1 : 0;
    this.expires[index] = entry.expiresAt;
    const etagLength = entry.etag.length;
    this.etagLength[index] = etagLength;
    const chunk = this.chunk(index);
    const offset = (index % CHUNK_SLOTS) * SLOT_BYTES;
    chunk.write(entry.etag, offset, etagLength, 'latin1');
    const bodyBytes = Buffer.byteLength(entry.body);
    if (etagLength + bodyBytes <= SLOT_BYTES) {
      chunk.write(entry.body, offset + etagLength, bodyBytes, 'utf8');
      this.bodyLength[index] = bodyBytes;
    } else {
      this.oversized.set(index, entry.body);
      this.bodyLength[index] = -1;
    }
    let bucket = hash & this.mask;
    while (this.table[bucket] !== 0) bucket = (bucket + 1) & this.mask;
    this.table[bucket] = index + 1;
    this.live[index] = 1;
    this.count++;
    return true;
  }

  delete(key: string): void {
    const index = this.find(key);
    if (index >= 0) this.remove(index);
  }

  /** Drops every failed job's entry (a failure signature changed). */
  deleteFailed(): void {
    for (let index = 0; index < this.capacity; index++)
      if (this.live[index] && this.failed[index]) this.remove(index);
  }

  clear(): void {
    this.table.fill(0);
    this.live.fill(0);
    this.oversized = new Map();
    this.strings = [];
    this.stringIds = new Map();
    this.count = 0;
    this.cursor = 0;
  }

  private find(key: string): number {
    return parseUuid(key, this.scratch) ? this.lookup(this.scratch, mix(this.scratch)) : -1;
  }

  /** The entry index holding key `w` (whose hash is `hash`), or -1. */
  private lookup(w: Uint32Array, hash: number): number {
    const keys = this.keys;
    for (let bucket = hash & this.mask; ; bucket = (bucket + 1) & this.mask) {
      const held = this.table[bucket]!;
      if (held === 0) return -1;
      const k = (held - 1) * 4;
      if (keys[k] === w[0] && keys[k + 1] === w[1] && keys[k + 2] === w[2] && keys[k + 3] === w[3])
        return held - 1;
    }
  }

  private remove(index: number): void {
    let hole = this.hashes[index]! & this.mask;
    while (this.table[hole] !== index + 1) hole = (hole + 1) & this.mask;
    this.table[hole] = 0;
    // Backward-shift deletion: move later members of the probe run into the
    // hole when their home bucket allows, so lookups never need tombstones.
    for (let bucket = (hole + 1) & this.mask; this.table[bucket] !== 0; bucket = (bucket + 1) & this.mask) {
      const held = this.table[bucket]!;
      const home = this.hashes[held - 1]! & this.mask;
      // Does `home` lie cyclically in (hole, bucket]? Then it must stay.
      const stays = hole <= bucket ? home > hole && home <= bucket : home > hole || home <= bucket;
      if (stays) continue;
      this.table[hole] = held;
      this.table[bucket] = 0;
      hole = bucket;
    }
    this.live[index] = 0;
    if (this.bodyLength[index]! < 0) this.oversized.delete(index);
    this.count--;
  }

  /** The Buffer holding slot `index`, allocated as entries arrive so memory follows what is cached (not zero-filled: a slot is written before it is read). */
  private chunk(index: number): Buffer {
    return (this.chunks[Math.floor(index / CHUNK_SLOTS)] ??= Buffer.allocUnsafeSlow(
      CHUNK_SLOTS * SLOT_BYTES,
    ));
  }

  private intern(value: string): number {
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.push(value) - 1;
      this.stringIds.set(value, id);
    }
    return id;
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 255) return false;
  return true;
}
