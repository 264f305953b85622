import { closeAllStreams, stopHub } from '@/lib/signals/hub';

const globalForShutdown = globalThis as unknown as {
  ttfsShutdownHooked?: boolean;
  ttfsShuttingDown?: boolean;
};

/** True once SIGTERM arrived: responses then ask clients to close keep-alive connections. */
export function isShuttingDown() {
  return globalForShutdown.ttfsShuttingDown === true;
}

/**
 * On SIGTERM Next.js stops accepting connections and waits for in-flight
 * requests (ingest batches finish and commit) before it exits. Open SSE streams
 * would hold that wait forever: end them with a reconnect hint (clients move to
 * another instance) and close the LISTEN connection.
 */
export function installShutdownHooks() {
  if (globalForShutdown.ttfsShutdownHooked) return;
  globalForShutdown.ttfsShutdownHooked = true;
  const drain = (signal: string) => {
    globalForShutdown.ttfsShuttingDown = true;
    console.log(
      JSON.stringify({
        level: 'info',
        msg: 'shutting down: closing streams, finishing in-flight requests',
        signal,
      }),
    );
    closeAllStreams();
    void stopHub().catch(() => {});
  };
  process.once('SIGTERM', () => drain('SIGTERM'));
  process.once('SIGINT', () => drain('SIGINT'));
}
