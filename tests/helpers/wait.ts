/**
 * Reads until the value equals `expected` or `ms` pass; returns the last value
 * read (so the caller's expect shows what was seen). For changes that reach
 * this process asynchronously, e.g. through a NOTIFY.
 */
export async function eventually<T>(read: () => Promise<T>, expected: T, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}
