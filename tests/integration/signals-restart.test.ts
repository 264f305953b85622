import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEmbedded, type EmbeddedServer } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { testToken } from '../helpers/auth';

// Its own embedded server, so it can be stopped and started under the relay.
const scratch = mkdtempSync(path.join(tmpdir(), 'ttfs-restart-'));
// PostgreSQL runs as its own user when the tests run as root: it must be able to enter the folder.
chmodSync(scratch, 0o755);
const dataDir = path.join(scratch, 'pg');
let server: EmbeddedServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('the SSE relay across a database restart', () => {
  it('reconnects its listener, tells clients to resync, and relays changes again', async () => {
    const port = await freePort();
    server = await startEmbedded({ dataDir, port });
    const setup = postgres(server.url, { max: 1, onnotice: () => {} });
    await migrate(setup);
    const tenant = randomUUID();
    await setup`insert into console.tenants (id, slug, name) values (${tenant}, 'restart', 'Restart')`;
    const { token } = await testToken(setup, { tenantId: tenant, scopes: ['signals:read'], name: 'restart' });
    await setup.end();

    // The app modules read DATABASE_URL on first import.
    process.env.DATABASE_URL = server.url;
    const { GET } = await import('@/app/api/v1/stream/signals/route');
    const { hubStats } = await import('@/lib/signals/hub');

    const events: string[] = [];
    const controller = new AbortController();
    const response = await GET(
      new Request('http://console.test/api/v1/stream/signals', {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      }),
    );
    const reader = response.body!.getReader();
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          events.push(decoder.decode(value));
        }
      } catch {
        // aborted
      }
    })();
    const waitFor = async (needle: string, ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (!events.join('').includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no "${needle}" in ${events.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const upsert = async (summary: string) => {
      const client = postgres(server!.url, { max: 1, onnotice: () => {} });
      await client`select scheduler.upsert_first_signal_snapshot(${randomUUID()}, ${tenant}, null, 'queued', 'unknown', ${summary})`;
      await client.end();
    };

    await waitFor('event: ready');
    await upsert('before restart');
    await waitFor('before restart');

    await server.stop();
    server = await startEmbedded({ dataDir, port });
    await waitFor('event: resync');
    expect(hubStats().listenConnections).toBe(1);
    await upsert('after restart');
    await waitFor('after restart');
    controller.abort();
  }, 90_000);
});
