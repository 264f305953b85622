import { z } from 'zod';
import { authorize } from '@/lib/auth';
import { maintenanceSql } from '@/lib/db';
import { handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';
import { rebuildHour, rollupDrift } from '@/lib/queries/retention';

export const dynamic = 'force-dynamic';

const body = z.object({
  hour: z.iso
    .datetime({ offset: true })
    .refine((h) => Date.parse(h) > Date.now() - 8 * 86400_000 && Date.parse(h) <= Date.now(), {
      message: 'must be an hour of the last 7 days',
    }),
});

/**
 * Recomputes one hour's rollups from raw rows (admins); answers the drift check
 * after it. On the maintenance connections, like the fold it runs twice and
 * whose lock it may wait for: the request pool's timeout would cut it off.
 */
export const POST = handle(async (request: Request) => {
  await authorize(request, { role: 'admin' });
  const { hour } = body.parse(await readJson(request));
  await rebuildHour(new Date(hour), maintenanceSql);
  return Response.json(await rollupDrift(), { headers: { 'Cache-Control': 'no-store' } });
});

/** The drift check alone. */
export const GET = handle(async (request: Request) => {
  await authorize(request, { role: 'admin' });
  return Response.json(await rollupDrift(), { headers: { 'Cache-Control': 'private, no-store' } });
});
