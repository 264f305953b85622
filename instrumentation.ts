// Runs once per server process at start-up.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startRollupWorker } = await import('./lib/ops/rollup-worker');
  startRollupWorker();
}
