import 'server-only';
import { maintenanceSql } from '@/lib/db';
import { policyFromEnv, runRetention } from './retention';

const globalForScheduler = globalThis as unknown as {
  ttfsRetentionTimer?: NodeJS.Timeout;
  ttfsRetentionStart?: { at: number; intervalMs: number };
};

export function retentionIntervalMs(): number {
  return Number(process.env.TTFS_RETENTION_INTERVAL_MS ?? 3600_000);
}

/** When this instance next runs retention (null when its scheduler is off). */
export function nextRetentionRun(): Date | null {
  const started = globalForScheduler.ttfsRetentionStart;
  if (!started) return null;
  const now = Date.now();
  // The first run a minute after start, then every interval from start.
  const first = started.at + 60_000;
  if (now < first) return new Date(first);
  return new Date(
    started.at + Math.max(1, Math.ceil((now - started.at) / started.intervalMs)) * started.intervalMs,
  );
}

/** Runs retention every TTFS_RETENTION_INTERVAL_MS (default 1 h) in every instance; one at a time wins the lock. */
export function startRetentionScheduler(intervalMs = retentionIntervalMs()) {
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
  globalForScheduler.ttfsRetentionStart = { at: Date.now(), intervalMs };
  setTimeout(run, 60_000).unref();
}
