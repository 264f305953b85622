import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { testToken } from '../helpers/auth';
import { freePort, startEmbedded, type EmbeddedServer } from '../../db/embedded';
import { migrate } from '../../db/migrate';

// Its own embedded server, stopped and started under the API.
const scratch = mkdtempSync(path.join(tmpdir(), 'ttfs-outage-'));
chmodSync(scratch, 0o755);
const dataDir = path.join(scratch, 'pg');
let server: EmbeddedServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a database outage', () => {
  it('answers 503 with Retry-After while PostgreSQL is down, without crashing, and recovers', async () => {
    const port = await freePort();
    server = await startEmbedded({ dataDir, port });
    const setup = postgres(server.url, { max: 1, onnotice: () => {} });
    await migrate(setup);
    const tenant = randomUUID();
    const job = randomUUID();
    await setup`insert into console.tenants (id, slug, name) values (${tenant}, 'outage', 'Outage')`;
    const { token } = await testToken(setup, { tenantId: tenant, scopes: ['signals:read'], name: 'outage' });
    await setup`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'Queued')`;
    await setup.end();

    process.env.DATABASE_URL = server.url;
    const { GET: health } = await import('@/app/api/health/route');
    const { GET: signal } = await import('@/app/api/v1/jobs/[jobId]/signal/route');
    const read = () =>
      signal(
        new Request(`http://x/api/v1/jobs/${job}/signal`, { headers: { authorization: `Bearer ${token}` } }),
        { params: Promise.resolve({ jobId: job }) },
      );

    expect((await health(new Request('http://x/api/health'))).status).toBe(200);
    expect((await read()).status).toBe(200);

    await server.stop();
    const down = await health(new Request('http://x/api/health'));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    const refused = await read();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'database_unavailable' });

    server = await startEmbedded({ dataDir, port });
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await read()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await health(new Request('http://x/api/health'))).status).toBe(200);
  }, 90_000);
});
