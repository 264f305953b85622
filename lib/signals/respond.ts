import { z } from 'zod';
import { toWebResponse, type Reply } from '@/lib/http/reply';
import { etagMatches, signalEtag, signalSource, toSignal, type SnapshotRow } from './map';

export const uuidParam = z.uuid({ error: 'must be a UUID' });

/** A signal ready to send: what the lookup cache keeps per job. */
export interface RenderedSignal {
  tenantId: string;
  etag: string;
  /** The JSON text, served as is on every hit. */
  body: string;
  source: string;
}

export function renderSignal(row: SnapshotRow, fromSnapshot: boolean): RenderedSignal {
  const signal = toSignal(row);
  return {
    tenantId: row.tenant_id,
    etag: signalEtag(signal),
    body: JSON.stringify(signal),
    source: signalSource(signal, fromSnapshot),
  };
}

/** 200 with the signal, or 304 when the client's ETag (If-None-Match) is still current. */
export function renderedReply(rendered: RenderedSignal, ifNoneMatch: string | null, status = 200): Reply {
  const headers = {
    ETag: rendered.etag,
    'Cache-Control': 'private, no-cache',
    Vary: 'Authorization, Cookie',
    'X-FirstSignal-Source': rendered.source,
  };
  if (status === 200 && etagMatches(ifNoneMatch, rendered.etag)) return { status: 304, headers, body: null };
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: rendered.body };
}

function signalReply(
  ifNoneMatch: string | null,
  row: SnapshotRow,
  fromSnapshot: boolean,
  status = 200,
): Reply {
  return renderedReply(renderSignal(row, fromSnapshot), ifNoneMatch, status);
}

export function signalResponse(
  request: Request,
  row: SnapshotRow,
  fromSnapshot: boolean,
  status = 200,
): Response {
  return toWebResponse(signalReply(request.headers.get('if-none-match'), row, fromSnapshot, status));
}
