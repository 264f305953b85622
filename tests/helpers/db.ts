import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

/** A client of the run's fresh test database. End it in afterAll. */
export function testSql(options: postgres.Options<Record<string, postgres.PostgresType>> = {}) {
  return postgres(inject('databaseUrl'), { max: 4, onnotice: () => {}, ...options });
}

/** A tenant id no other test uses, so files never see each other's rows. */
export function newTenant(): string {
  return randomUUID();
}
