import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { createDatabase, dropDatabase } from '../../db/cluster';

/** A client of the run's fresh test database. End it in afterAll. */
export function testSql(options: postgres.Options<Record<string, postgres.PostgresType>> = {}) {
  return postgres(inject('databaseUrl'), { max: 4, onnotice: () => {}, ...options });
}

/** A tenant id no other test uses, so files never see each other's rows. */
export function newTenant(): string {
  return randomUUID();
}

/**
 * For tests that need a database of their own: returns a maker of new empty
 * databases on the test server (named `prefix_…`), each dropped after the file's tests.
 */
export function freshDatabases(
  prefix: string,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
) {
  const created: string[] = [];
  afterAll(async () => {
    for (const name of created) await dropDatabase(inject('serverUrl'), name);
  });
  return async () => {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    created.push(name);
    const url = await createDatabase(inject('serverUrl'), name);
    return { url, sql: postgres(url, { max: 2, onnotice: () => {}, ...options }) };
  };
}
