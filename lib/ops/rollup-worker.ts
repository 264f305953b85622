import 'server-only';
import { foldRollups } from '@/lib/queries/telemetry';

const globalForWorker = globalThis as unknown as { ttfsRollupWorker?: NodeJS.Timeout };

/**
 * Folds pending rollup deltas every few seconds. Views stay exact without it
 * (they read pending deltas too); folding keeps what they read small. Every
 * instance runs one; the fold serialises on an advisory lock in the database.
 */
export function startRollupWorker(intervalMs = Number(process.env.TTFS_FOLD_INTERVAL_MS ?? 5000)) {
  if (globalForWorker.ttfsRollupWorker || !(intervalMs > 0)) return;
  let running = false;
  globalForWorker.ttfsRollupWorker = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await foldRollups();
    } catch (error) {
      console.error(
        JSON.stringify({ level: 'warn', msg: 'rollup fold failed', error: (error as Error).message }),
      );
    } finally {
      running = false;
    }
  }, intervalMs);
  globalForWorker.ttfsRollupWorker.unref();
}
