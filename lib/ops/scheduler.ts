import 'server-only';
import { maintenanceSql } from '@/lib/db';
import { policyFromEnv, runRetention } from './retention';

const globalForScheduler = globalThis as unknown as { ttfsRetentionTimer?: NodeJS.Timeout };

/** Runs retention every TTFS_RETENTION_INTERVAL_MS (default 1 h) in every instance; one at a time wins the lock. */
export function startRetentionScheduler(
  intervalMs = Number(process.env.TTFS_RETENTION_INTERVAL_MS ?? 3600_000),
) {
  if (globalForScheduler.ttfsRetentionTimer || !(intervalMs > 0)) return;
  const run = async () => {
    try {
      const result = await runRetention(maintenanceSql, policyFromEnv(), 'schedule');
      if (result.ran)
        console.log(JSON.stringify({ level: 'info', msg: 'retention run finished', ...result }));
    } catch (error) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'retention run failed', error: (error as Error).message }),
      );
    }
  };
  globalForScheduler.ttfsRetentionTimer = setInterval(run, intervalMs);
  globalForScheduler.ttfsRetentionTimer.unref();
  setTimeout(run, 60_000).unref();
}
