import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../db/embedded';
import { PROJECT_ROOT } from '../../db/connect';

function runMigrate(databaseUrl: string) {
  return spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/migrate.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('a wrong DATABASE_URL', () => {
  it('stops with one readable line, no stack trace, when nothing listens', async () => {
    const port = await freePort();
    const result = runMigrate(`postgres://app:secret@127.0.0.1:${port}/ttfs`);
    expect(result.status).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.includes('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/connection refused/);
    expect(lines[0]).not.toContain('secret');
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+\)/);
  });

  it('names a database that does not exist', () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/no_such_database_ttfs';
    const result = runMigrate(url.toString());
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/does not exist/);
  });

  it('explains a malformed URL', () => {
    const result = runMigrate('not a url');
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
