import { authorize } from '@/lib/auth';
import { sql } from '@/lib/db';
import { ApiError, handle } from '@/lib/errors';
import { policyFromEnv, runRetention } from '@/lib/ops/retention';

export const dynamic = 'force-dynamic';

/** Runs retention now (admins); 409 while another run holds the lock. */
export const POST = handle(async (request: Request) => {
  await authorize(request, { role: 'admin' });
  const result = await runRetention(sql, policyFromEnv(), 'manual');
  if (!result.ran)
    throw new ApiError(409, 'retention_running', 'A retention run is in progress; try again when it ends.');
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
});
