import { z } from 'zod';
import { etagMatches, signalEtag, signalSource, toSignal, type SnapshotRow } from './map';

export const uuidParam = z.uuid({ error: 'must be a UUID' });

/** 200 with the signal, or 304 when the client's ETag is still current. */
export function signalResponse(request: Request, row: SnapshotRow, fromSnapshot: boolean, status = 200): Response {
  const signal = toSignal(row);
  const etag = signalEtag(signal);
  const headers = {
    ETag: etag,
    'Cache-Control': 'private, no-cache',
    Vary: 'Authorization, Cookie',
    'X-FirstSignal-Source': signalSource(signal, fromSnapshot),
  };
  if (status === 200 && etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return Response.json(signal, { status, headers });
}
