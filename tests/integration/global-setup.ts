// Gives every integration run a fresh, migrated database, dropped afterwards:
// on the server in TEST_DATABASE_URL / DATABASE_URL when set (e.g. the machine's
// PostgreSQL), otherwise on an embedded server in .data/test-pg.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../db/connect';
import { createDatabase, dropDatabase } from '../../db/cluster';
import { startEmbedded, type EmbeddedServer } from '../../db/embedded';
import { migrate } from '../../db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    serverUrl: string;
    embedded: boolean;
    engine: 'citus' | 'postgres';
  }
}

let embedded: EmbeddedServer | null = null;

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!external) {
    embedded = await startEmbedded({
      dataDir: path.join(PROJECT_ROOT, process.env.TTFS_TEST_DATA_DIR ?? '.data/test-pg'),
      database: 'postgres',
    });
  }
  const serverUrl = external ?? embedded!.url;
  const name = `ttfs_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createDatabase(serverUrl, name);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const { engine } = await migrate(sql);
  await sql.end();
  console.log(
    `[integration] ${embedded ? 'embedded PostgreSQL' : engine === 'citus' ? 'Citus coordinator' : 'external PostgreSQL'}, database ${name}`,
  );

  project.provide('databaseUrl', databaseUrl);
  project.provide('serverUrl', serverUrl);
  project.provide('embedded', embedded !== null);
  project.provide('engine', engine);

  return async () => {
    await dropDatabase(serverUrl, name);
    await embedded?.stop();
  };
}
