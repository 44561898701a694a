import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './temp-dir.js';

/** The part of esbuild's API used here (esbuild comes with tsup; it has no types of ours). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/**
 * Bundles `child.ts` with the store and core sources into one `.mjs` that plain `node`
 * runs: the tests must not depend on a build of the packages, and Node 20 cannot run
 * TypeScript. esbuild is reached through tsup, whose dependency it is.
 */
export async function bundleChild(outDir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const outfile = path.join(outDir, 'child.mjs');
  await esbuild.build({
    entryPoints: [here('./child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    alias: { '@tgfetch/core': here('../../../core/src/index.ts') },
  });
  return outfile;
}

/**
 * For the tests of a file or `describe` block that run `child.ts`: a temp folder with the
 * bundled child in it, made before all of them and removed after. Read the fields inside
 * tests and hooks: they are set in `beforeAll`.
 */
export function useBundledChild(): Readonly<{ dir: string; script: string }> {
  const fixture = { dir: '', script: '' };
  let cleanup = async () => {};
  beforeAll(async () => {
    const made = await tempDir();
    cleanup = made.cleanup;
    fixture.dir = made.dir;
    fixture.script = await bundleChild(made.dir);
  });
  afterAll(() => cleanup());
  return fixture;
}
