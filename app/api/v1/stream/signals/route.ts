import { z } from 'zod';
import { authorize, canSeeTenant } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { getRunSnapshot, getSnapshot, runTenant } from '@/lib/queries/signals';
import { listTenants } from '@/lib/queries/tenants';
import type { Signal } from '@/lib/schemas/signal';
import type { Subscriber } from '@/lib/signals/hub';
import { toSignal } from '@/lib/signals/map';
import { hubSseResponse } from '@/lib/signals/sse-response';
import { queryParams } from '@/lib/http/query';
import { requestedTenants } from '@/lib/tenant-scope';

export const dynamic = 'force-dynamic';

const query = z.object({
  jobId: z.uuid().optional(),
  runId: z.uuid().optional(),
  tenant: z.string().max(64).optional(),
});

/**
 * Server-Sent Events: the current snapshot first, then one `signal` event per
 * change, relayed from PostgreSQL NOTIFY by the process-wide hub. `resync`
 * tells the client to re-read (the listener reconnected, or the server is
 * shutting down); `: ping` comments keep proxies from timing out.
 */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  const params = query.parse(queryParams(request));
  const initial: Signal[] = [];
  let filter: Pick<Subscriber, 'jobId' | 'runId' | 'runTenant' | 'tenants'>;
  if (params.jobId) {
    // Another tenant's job is answered exactly like one nobody has written yet
    // (a stream that waits for it): a 404 would tell that the id exists. The
    // hub never delivers it (each signal is checked against `allowed`).
    const row = await getSnapshot(params.jobId);
    if (row && canSeeTenant(viewer, row.tenant_id)) initial.push(toSignal(row));
    filter = { jobId: params.jobId };
  } else if (params.runId) {
    // The run's tenant decides who sees it, and which jobs are its members.
    const tenant = await runTenant(params.runId);
    if (!tenant || !canSeeTenant(viewer, tenant)) throw ApiError.notFound('run');
    const row = await getRunSnapshot(params.runId, tenant);
    if (row) initial.push(toSignal(row));
    filter = { runId: params.runId, runTenant: tenant };
  } else {
    const picked = requestedTenants(await listTenants(viewer), params.tenant);
    if (!picked) throw ApiError.notFound('tenant');
    filter = { tenants: viewer.tenants === 'all' && !params.tenant ? 'all' : picked.map((t) => t.id) };
  }

  return hubSseResponse(request, ({ send }) => {
    const sendSignal = (signal: Signal) =>
      send(`id: ${Date.parse(signal.updatedAt)}\nevent: signal\ndata: ${JSON.stringify(signal)}\n\n`);
    for (const signal of initial) sendSignal(signal);
    return {
      subscriber: {
        ...filter,
        allowed: viewer.tenants,
        onSignal: sendSignal,
        onResync: () => send(`event: resync\ndata: {"reason":"listener reconnected"}\n\n`),
      },
    };
  });
});
