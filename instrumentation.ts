// Runs once per server process at start-up.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startRollupWorker } = await import('./lib/ops/rollup-worker');
  const { startRetentionScheduler } = await import('./lib/ops/scheduler');
  const { installShutdownHooks } = await import('./lib/ops/shutdown');
  const { initializeTtfsSeries } = await import('./lib/queries/metrics');
  // The TTFS counters of every label set known at start, at 0 (docs/operations.md).
  initializeTtfsSeries().catch(() => {});
  startRollupWorker();
  startRetentionScheduler();
  installShutdownHooks();
}

// Unexpected errors of requests, as one JSON line without internals for the client.
export async function onRequestError(
  error: unknown,
  request: { path: string; method: string; headers: Record<string, string | string[] | undefined> },
) {
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'request failed',
      requestId: request.headers['x-request-id'],
      method: request.method,
      path: request.path,
      error: (error as Error)?.message,
      digest: (error as { digest?: string })?.digest,
    }),
  );
}
