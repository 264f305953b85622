import { ApiError } from '@/lib/errors';
import type { RequestLike } from '@/lib/http/reply';

// Body checks shared by the route handler (Web streams) and the machine lane
// (Node streams): not JSON -> 415, over the limit -> 413 (checked on
// Content-Length first, then while reading, so a lying or chunked client cannot
// make the server buffer more), malformed JSON -> 400.

export function assertJsonContentType(contentType: string | null): void {
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(contentType ?? '')) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the events as JSON with Content-Type: application/json.',
    );
  }
}

export function payloadTooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'payload_too_large',
    `The request body is larger than ${limit} bytes (1 MiB). Split it into smaller batches.`,
  );
}

export function assertDeclaredLength(contentLength: string | null, limit: number): void {
  const declared = Number(contentLength ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body of a JSON request, at most `limit` bytes. */
export async function readJsonBody(
  request: RequestLike & { body: ReadableStream<Uint8Array> | null },
  limit: number,
): Promise<Buffer> {
  assertJsonContentType(request.headers.get('content-type'));
  assertDeclaredLength(request.headers.get('content-length'), limit);
  if (!request.body) throw ApiError.badRequest('The request has no body.');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

// V8 places every string over 128 KiB in its large-object space, on pages of
// its own that are mapped, faulted in and unmapped again for each one, which
// costs far more than the parse of a smaller string. A large top-level array is therefore parsed in pieces of whole elements, each under
// that size. A piece boundary is a comma at depth 1 outside any string; if the
// body is anything but such an array, or any piece fails to parse, the whole
// body is parsed at once, so errors read exactly as JSON.parse words them.
const PIECE_BYTES = 96 * 1024;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** JSON's four whitespace bytes: space, tab, line feed, carriage return. */
function isJsonSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** [start, end) byte ranges of runs of whole elements of a top-level array, or null. */
export function arrayPieces(body: Buffer, pieceBytes = PIECE_BYTES): [number, number][] | null {
  let i = 0;
  while (isJsonSpace(body[i])) i++;
  if (body[i] !== OPEN_ARRAY) return null;
  const pieces: [number, number][] = [];
  let start = i + 1;
  let lastComma = -1;
  let depth = 1;
  let inString = false;
  for (i++; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--depth === 0) {
        pieces.push([start, i]);
        for (i++; i < body.length; i++) if (!isJsonSpace(body[i])) return null; // something after the array
        return pieces;
      }
    } else if (c === COMMA && depth === 1) {
      if (i - start > pieceBytes && lastComma > start) {
        pieces.push([start, lastComma]);
        start = lastComma + 1;
      }
      lastComma = i;
    }
  }
  return null; // unterminated
}

/** Parses a JSON request body: 400 with JSON.parse's own message when it is not JSON. */
export function parseJsonBody(body: Buffer): unknown {
  const pieces = body.length > PIECE_BYTES ? arrayPieces(body) : null;
  if (pieces) {
    try {
      const items: unknown[] = [];
      for (const [start, end] of pieces) {
        for (const item of JSON.parse(`[${body.toString('utf8', start, end)}]`) as unknown[])
          items.push(item);
      }
      return items;
    } catch {
      // fall through: the whole body, for the error message
    }
  }
  return parseJsonText(body.toString('utf8'));
}
