import { ApiError } from '@/lib/errors';
import type { RequestLike } from '@/lib/http/reply';

// Body checks shared by the route handler (Web streams) and the machine lane
// (Node streams): not JSON -> 415, over the limit -> 413 (checked on
// Content-Length first, then while reading, so a lying or chunked client cannot
// make the server buffer more), malformed JSON -> 400.

export function assertJsonContentType(contentType: string | null): void {
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(contentType ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the events as JSON with Content-Type: application/json.');
  }
}

export function payloadTooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The request body is larger than ${limit} bytes (1 MiB). Split it into smaller batches.`);
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

/** The body of a JSON request as text, at most `limit` bytes. */
export async function readJsonText(request: RequestLike & { body: ReadableStream<Uint8Array> | null }, limit: number): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}
