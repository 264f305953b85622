import type { IncomingMessage } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { ApiError, type FieldIssue } from '@/lib/errors';
import type { RequestLike } from './reply';

// The one way a request's JSON body is read, by every route handler and the
// machine lane (Web streams or Node streams alike):
// - over the size limit -> 413, checked on Content-Length first and then while
//   reading, so a lying or chunked client cannot make the server buffer more;
// - another Content-Type, where a route asks for it -> 415;
// - not UTF-8, or not JSON -> 400 (never silently repaired with U+FFFD);
// - nested deeper than MAX_JSON_DEPTH, or a string or key PostgreSQL cannot
//   store (U+0000, a lone UTF-16 surrogate) -> 422 with the field path.

/** The default body limit of a JSON API request (1 MiB). */
const MAX_JSON_BYTES = 1024 * 1024;
/** Objects and arrays nested deeper than this are refused (the body itself is depth 1). */
export const MAX_JSON_DEPTH = 32;

export interface JsonBodyOptions {
  /** Bytes; default MAX_JSON_BYTES. */
  limit?: number;
  /** Refuse any Content-Type but JSON with 415 (machine endpoints); browsers' forms always send it. */
  requireJsonType?: boolean;
}

function assertJsonContentType(contentType: string | null): void {
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(contentType ?? '')) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the body as JSON with Content-Type: application/json.',
    );
  }
}

function payloadTooLarge(limit: number): ApiError {
  const size = limit % (1024 * 1024) === 0 ? ` (${limit / (1024 * 1024)} MiB)` : '';
  return new ApiError(
    413,
    'payload_too_large',
    `The request body is larger than ${limit} bytes${size}. Split it into smaller requests.`,
  );
}

function assertDeclaredLength(contentLength: string | null, limit: number): void {
  const declared = Number(contentLength ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
}

function checkHeaders(request: RequestLike, options: JsonBodyOptions): number {
  const limit = options.limit ?? MAX_JSON_BYTES;
  if (options.requireJsonType) assertJsonContentType(request.headers.get('content-type'));
  assertDeclaredLength(request.headers.get('content-length'), limit);
  return limit;
}

/** The raw bytes of a Web request's body, at most the limit. */
export async function readBodyBytes(
  request: RequestLike & { body: ReadableStream<Uint8Array> | null },
  options: JsonBodyOptions = {},
): Promise<Buffer> {
  const limit = checkHeaders(request, options);
  if (!request.body) throw ApiError.badRequest('The request has no body.');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The raw bytes of a Node request's body (the machine lane), at most the limit. */
export function readNodeBodyBytes(
  request: RequestLike & { raw: IncomingMessage },
  options: JsonBodyOptions = {},
): Promise<Buffer> {
  const limit = checkHeaders(request, options);
  const raw = request.raw;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        raw.off('data', onData);
        raw.pause();
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    raw.on('data', onData);
    raw.once('end', () => resolve(Buffer.concat(chunks, size)));
    raw.once('error', reject);
  });
}

/** A Web request's body as a checked JSON value (see the rules above). */
export async function readJson(
  request: RequestLike & { body: ReadableStream<Uint8Array> | null },
  options: JsonBodyOptions = {},
): Promise<unknown> {
  return parseJsonBody(await readBodyBytes(request, options));
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Where a value breaks the depth or text rules, as field issues ("3.metadata.note"). */
function jsonIssues(value: unknown, checkText: boolean, maxDepth = MAX_JSON_DEPTH): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const path: string[] = [];
  const at = () => path.join('.') || '(root)';
  const visit = (node: unknown, depth: number): void => {
    if (issues.length >= 20) return;
    if (typeof node === 'string') {
      if (checkText) {
        const problem = unstorable(node);
        if (problem) issues.push({ path: at(), message: problem });
      }
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth > maxDepth) {
      issues.push({ path: at(), message: `nested deeper than ${maxDepth} levels` });
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        visit(node[i], depth + 1);
        path.pop();
      }
      return;
    }
    for (const key in node) {
      path.push(key);
      if (checkText) {
        const problem = unstorable(key);
        if (problem) issues.push({ path: at(), message: `keys ${problem}` });
      }
      visit((node as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  visit(value, 1);
  return issues;
}

/** Whether objects and arrays nest deeper than MAX_JSON_DEPTH (no paths: the fast check). */
function tooDeep(node: unknown, depth: number): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (depth > MAX_JSON_DEPTH) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object' && tooDeep(child, depth + 1)) return true;
    }
    return false;
  }
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && tooDeep(child, depth + 1)) return true;
  }
  return false;
}

/** Why PostgreSQL text or jsonb cannot hold this string, or null. */
export function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (!text.isWellFormed())
    return 'must be well-formed Unicode (a lone surrogate such as \\ud800 cannot be stored)';
  return null;
}

// V8 places every string over 128 KiB in its large-object space, on pages of
// its own that are mapped, faulted in and unmapped again: turning a 130 KB
// batch into one string cost ~700 us, against ~10 us for 120 KB. A large
// top-level array is therefore parsed in pieces of whole elements, each under
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

/**
 * Parses a JSON request body: 400 when it is not UTF-8 or not JSON (with
 * JSON.parse's own message), 422 with field paths when it nests too deep or
 * holds text PostgreSQL cannot store.
 */
export function parseJsonBody(
  body: Buffer,
  reject: (issues: FieldIssue[], value: unknown) => Error = (issues) => ApiError.validation(issues),
): unknown {
  if (!isUtf8(body)) throw ApiError.badRequest('The body is not valid UTF-8.');
  const value = parseJsonUnchecked(body);
  // U+0000 and lone surrogates can only arrive as \u escapes: look for them
  // only when the body has one.
  const checkText = body.includes('\\u');
  // The common case (nothing too deep, no \u escape) is one quick pass without paths.
  if (!checkText && !tooDeep(value, 1)) return value;
  const issues = jsonIssues(value, checkText);
  if (issues.length) throw reject(issues, value);
  return value;
}

function parseJsonUnchecked(body: Buffer): unknown {
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
