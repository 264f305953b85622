import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The Node.js that runs the app server: the pinned Node 24 LTS binary from the
 * optional `node-<platform>-<arch>` package where npm installed one, else the
 * Node running the launcher. Node 20 is past its end of life, and from Node 24
 * AsyncLocalStorage no longer runs on async hooks: on Node 20, once Next.js has
 * served one page, every promise and socket write in the process pays for its
 * four stores (docs/performance.md). TTFS_SERVER_NODE=current forces the
 * launcher's own Node; any other value names a binary.
 */
export function serverNode(
  root: string,
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const wanted = env.TTFS_SERVER_NODE;
  if (wanted === 'current') return process.execPath;
  if (wanted) return wanted;
  const pinned = path.join(pinnedNodePackage(root, platform, arch), 'bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

/** Where npm installs the pinned Node.js package for a platform (it may not be there). */
export function pinnedNodePackage(
  root: string,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  return path.join(root, 'node_modules', `node-${platform}-${arch}`);
}
