import { describe, expect, it } from 'vitest';
import { arrayPieces, MAX_JSON_DEPTH, parseJsonBody, readJson } from '@/lib/http/json-body';

// Large ingest bodies are parsed in pieces of whole top-level elements
// (lib/http/json-body.ts); the result must always be JSON.parse's.

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AWKWARD = [',', '[', ']', '{', '}', '"', '\\', '\\"', '",', '],[', 'é', '🚀', '\n', '\u2028', ' '];

function value(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 3 || pick < 0.35) {
    const kinds = [
      () => Math.floor(random() * 1e6),
      () => random() < 0.5,
      () => null,
      () =>
        Array.from(
          { length: Math.floor(random() * 6) },
          () => AWKWARD[Math.floor(random() * AWKWARD.length)],
        ).join(''),
    ];
    return kinds[Math.floor(random() * kinds.length)]!();
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(random, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(random() * 4) }, (_, i) => [
      `k${i}${AWKWARD[Math.floor(random() * AWKWARD.length)]}`,
      value(random, depth + 1),
    ]),
  );
}

/** JSON.parse's error message for a malformed text; fails the test if the text parses. */
function jsonParseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected malformed JSON: ${text.slice(0, 80)}…`);
}

describe('parseJsonBody', () => {
  it(
    'equals JSON.parse on random large arrays of nested values with awkward strings, whitespace and pretty-printing',
    { timeout: 20_000 },
    () => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = rng(seed);
        const items = Array.from({ length: 2500 + Math.floor(random() * 2000) }, () => ({
          id: seed,
          v: value(random, 0),
        }));
        const text =
          seed % 3 === 0
            ? JSON.stringify(items, null, 2)
            : seed % 3 === 1
              ? ` \n${JSON.stringify(items)}\t `
              : JSON.stringify(items);
        const body = Buffer.from(text);
        expect(body.length).toBeGreaterThan(96 * 1024);
        const pieces = arrayPieces(body, 8 * 1024);
        expect(pieces, `seed ${seed}`).not.toBeNull();
        expect(pieces!.length).toBeGreaterThan(1);
        // Every piece parses alone (no split inside a string or an element), and together they are the array.
        const rebuilt = pieces!.flatMap(
          ([start, end]) => JSON.parse(`[${body.toString('utf8', start, end)}]`) as unknown[],
        );
        expect(rebuilt, `seed ${seed}`).toEqual(JSON.parse(text));
        expect(parseJsonBody(body), `seed ${seed}`).toEqual(JSON.parse(text));
      }
    },
  );

  it('splits only between whole elements, each piece parsing on its own', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ i, s: `a,b],[{"x":"${i}"}` }));
    const body = Buffer.from(JSON.stringify(items));
    const pieces = arrayPieces(body, 4096)!;
    const rebuilt = pieces.flatMap(
      ([start, end]) => JSON.parse(`[${body.toString('utf8', start, end)}]`) as unknown[],
    );
    expect(rebuilt).toEqual(items);
    for (const [start, end] of pieces) expect(end - start).toBeLessThan(4096 + 200);
  });

  it('answers malformed or non-array bodies with JSON.parse’s own error, as a 400', () => {
    const big = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'x'.repeat(40) })));
    // A large body that is not an array is parsed whole.
    const object = `{"a":${big}}`;
    expect(parseJsonBody(Buffer.from(object))).toEqual(JSON.parse(object));
    for (const text of [
      big.slice(0, -1),
      `${big}]`,
      `${big} x`,
      big.replace('"pad":', '"pad"'),
      big.replace(',{', ',,{'),
    ]) {
      const expected = jsonParseError(text);
      expect(() => parseJsonBody(Buffer.from(text))).toThrow(
        expect.objectContaining({ status: 400, message: expect.stringContaining(expected) }),
      );
    }
  });
});

describe('readJson', () => {
  const request = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://console.test/x', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error as { status: number; message: string; issues?: { path: string; message: string }[] };
    }
    throw new Error('expected a refusal');
  };

  it('returns the parsed value of a good body', async () => {
    expect(await readJson(request('{"a":[1,{"b":"é"}]}'))).toEqual({ a: [1, { b: 'é' }] });
  });

  it('answers malformed JSON with 400 and JSON.parse’s message', async () => {
    expect(await failure(readJson(request('{"a":')))).toMatchObject({
      status: 400,
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('answers a body over the limit with 413, declared or streamed', async () => {
    expect(await failure(readJson(request('[1,2,3]', { 'content-length': '2000000' })))).toMatchObject({
      status: 413,
    });
    expect(await failure(readJson(request(`"${'x'.repeat(100)}"`), { limit: 50 }))).toMatchObject({
      status: 413,
    });
  });

  it('answers invalid UTF-8 with 400 instead of replacing it with U+FFFD', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    expect(await failure(readJson(request(bytes)))).toMatchObject({
      status: 400,
      message: expect.stringContaining('UTF-8'),
    });
  });

  it('refuses nesting deeper than MAX_JSON_DEPTH with the path of the first level too deep', async () => {
    const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    expect(await readJson(request(nested(MAX_JSON_DEPTH)))).toBeTruthy();
    const error = await failure(readJson(request(`{"meta":${nested(MAX_JSON_DEPTH)}}`)));
    expect(error.status).toBe(422);
    expect(error.issues![0]!.path).toBe(['meta', ...Array(MAX_JSON_DEPTH - 1).fill('a')].join('.'));
    expect((await failure(readJson(request(`[${'['.repeat(5000)}${']'.repeat(5000)}]`)))).status).toBe(422);
  });

  it('refuses U+0000 and lone surrogates in values and keys with their paths', async () => {
    const error = await failure(readJson(request('{"list":[{"note":"a\\u0000b"}],"k\\ud800":1}')));
    expect(error.status).toBe(422);
    expect(error.issues).toEqual([
      { path: 'list.0.note', message: expect.stringContaining('NUL') },
      { path: 'k\ud800', message: expect.stringContaining('keys must be well-formed') },
    ]);
    // A surrogate pair written as escapes is one well-formed character.
    expect(await readJson(request('{"rocket":"\\ud83d\\ude80"}'))).toEqual({ rocket: '🚀' });
  });

  it('asks for application/json only where the route says so (415)', async () => {
    expect(await readJson(request('{}', { 'content-type': 'text/plain' }))).toEqual({});
    expect(
      await failure(readJson(request('{}', { 'content-type': 'text/plain' }), { requireJsonType: true })),
    ).toMatchObject({ status: 415 });
  });
});
