import { authorize } from '@/lib/auth';
import { maintenanceSql } from '@/lib/db';
import { ApiError, handle } from '@/lib/errors';
import { policyFromEnv, runRetention } from '@/lib/ops/retention';

export const dynamic = 'force-dynamic';

/**
 * Runs retention now (admins); 409 while another run holds the lock. Like the
 * scheduled run, on the maintenance connections: the request pool's statement
 * timeout is too short for whole-table deletes, and a run must not hold one of
 * the pool's connections for its length.
 */
export const POST = handle(async (request: Request) => {
  await authorize(request, { role: 'admin' });
  const result = await runRetention(maintenanceSql, policyFromEnv(), 'manual');
  if (!result.ran)
    throw new ApiError(409, 'retention_running', 'A retention run is in progress; try again when it ends.');
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
});
