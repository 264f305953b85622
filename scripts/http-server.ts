// One app process in production: Node's HTTP server with the machine lane
// (lib/http/machine-lane.ts) in front of Next.js, which serves everything else.
// Started by scripts/serve.ts as `node --import tsx scripts/http-server.ts`
// with DATABASE_URL set; TTFS_MACHINE_LANE=0 sends every request to Next.js.
// On SIGTERM/SIGINT it stops accepting, lets in-flight requests finish (the
// instrumentation hooks end SSE streams with a reconnect hint), then exits.
import { createServer } from 'node:http';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const laneOn = process.env.TTFS_MACHINE_LANE !== '0';

// Server modules import the `server-only` marker, which throws unless resolved
// with the react-server condition, as Next.js's server bundles do. This process
// is server code by definition: resolve the marker (and nothing else) that way.
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function resolve(s, c, n) { return n(s, s === 'server-only' ? { ...c, conditions: [...c.conditions, 'react-server'] } : c); }",
  )}`,
);

async function main() {
  const app = next({ dev: false, dir: root, port, hostname: 'localhost' });
  const handle = app.getRequestHandler();
  await app.prepare();
  // Loaded after the hook above is registered, and after Next.js has run
  // instrumentation, so both share the process-wide pool, hub and metrics.
  const { machineLane } = await import('../lib/http/machine-lane');
  const { applyForwarding, trustedProxies } = await import('../lib/http/forwarded');
  const { securityHeaders } = await import('../lib/auth/headers');
  const trusted = trustedProxies();
  const plainHeaders = Object.entries(securityHeaders({ https: false }));
  const httpsHeaders = Object.entries(securityHeaders({ https: true }));

  const server = createServer((req, res) => {
    // Forwarded headers only from TTFS_TRUSTED_PROXIES, before anything reads them.
    applyForwarding(req, trusted);
    if (laneOn && machineLane(req, res)) return;
    // Every response gets the security headers, static files and 404s too
    // (proxy.ts, which adds the page CSP, does not run for static files).
    for (const [name, value] of req.headers['x-forwarded-proto'] === 'https' ? httpsHeaders : plainHeaders)
      res.setHeader(name, value);
    void handle(req, res);
  });
  server.listen(port, () =>
    console.log(`[ttfs] listening on :${port} (Node ${process.version}${laneOn ? ', machine lane on' : ''})`),
  );

  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    // Stop accepting; idle keep-alive connections close now, busy ones after
    // their response (which says Connection: close while draining).
    server.close(() => {
      void app.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
    server.closeIdleConnections();
    // Nothing in flight may hold the process forever.
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  console.error(`[ttfs] the app server failed to start: ${(error as Error).message}`);
  process.exit(1);
});
