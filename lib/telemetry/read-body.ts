import { ApiError } from '@/lib/errors';

/**
 * Reads a JSON request body of at most `limit` bytes. Over the limit -> 413
 * (checked on Content-Length first, then while streaming, so a lying or
 * chunked client cannot make the server buffer more); not JSON -> 415;
 * malformed JSON -> 400.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the events as JSON with Content-Type: application/json.');
  }
  const tooLarge = () => new ApiError(413, 'payload_too_large', `The request body is larger than ${limit} bytes (1 MiB). Split it into smaller batches.`);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
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
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}
