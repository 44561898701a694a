/**
 * The helpers that run inside vitest: hooks, and the contexts on the run's shared
 * redis-server and database (`inject`). Plain Node helpers are in the package's main entry.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { bundleScript } from './bundle.js';
import { tempDir } from './temp-dir.js';

export { type PgTestContext, pgTestContext } from './pg-context.js';
export { type RedisTestContext, redisTestContext } from './redis-context.js';

/**
 * A fresh temp folder for each test of the file or `describe` block, removed after it.
 * Read `.dir` inside tests and hooks: it is set in `beforeEach`.
 */
export function useTempDir(prefix?: string): Readonly<{ dir: string }> {
  return useFolder(beforeEach, afterEach, prefix);
}

/**
 * For the tests of a file or `describe` block that run `entry` as a child process: a temp
 * folder with the bundled entry in it (`script`), made before all of them and removed after.
 * Read the fields inside tests and hooks: they are set in `beforeAll`.
 */
export function useBundledScript(entry: string): Readonly<{ dir: string; script: string }> {
  const fixture = { dir: '', script: '' };
  const folder = useFolder(beforeAll, afterAll, 'tgfetch-bundle-');
  beforeAll(async () => {
    fixture.dir = folder.dir;
    const name = `${path.basename(entry).replace(/\.[cm]?[jt]s$/, '')}.mjs`;
    fixture.script = await bundleScript(entry, path.join(folder.dir, name));
  });
  return fixture;
}

function useFolder(
  before: typeof beforeEach,
  after: typeof afterEach,
  prefix?: string,
): { dir: string } {
  const fixture = { dir: '' };
  let cleanup = async () => {};
  before(async () => {
    const made = await tempDir(prefix);
    fixture.dir = made.dir;
    cleanup = made.cleanup;
  });
  after(() => cleanup());
  return fixture;
}
