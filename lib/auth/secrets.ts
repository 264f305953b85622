import { hash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';

// Random values the client holds (session ids, API tokens) are stored only as
// their SHA-256. They carry 240 bits of entropy, so a fast hash is enough: a
// slow password hash buys nothing against guessing and would slow every request.
// One-shot `hash()`: every API request hashes its token, and a Hash object per
// call (a native handle the garbage collector must track) costs 3x as much.
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

export function randomSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}

export const TOKEN_PREFIX = 'ttfs_';
/** How many leading characters of a token are kept in clear to tell tokens apart. */
export const VISIBLE_PREFIX_LENGTH = 12;

/** A new API token: shown once to its creator, stored as hash + visible prefix. */
export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomSecret(30)}`;
  return { token, prefix: token.slice(0, VISIBLE_PREFIX_LENGTH), hash: sha256Hex(token) };
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && /^[A-Za-z0-9_-]{20,100}$/.test(value);
}

function scryptAsync(
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const SCRYPT = { N: 16384, r: 8, p: 1 };

/** Password hash for local (demo) users: scrypt$N$r$p$salt$hash, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Without a stored hash still spend the same work, so timing does not reveal
  // which user names exist.
  const parts = (
    stored ??
    `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`
  ).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected);
}
