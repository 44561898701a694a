import { createRequire } from 'node:module';
import { SOURCE_CONDITION, workspaceTsconfig } from './workspace.js';

/** The part of esbuild's API used here (esbuild comes with tsup; it has no types of ours). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/**
 * Bundles a TypeScript entry (a child process of a test) with the workspace sources it
 * imports (each package names them under `SOURCE_CONDITION` in its exports) into one ESM
 * file that plain `node` runs: the tests must not depend on a build of the packages, and
 * Node 20 runs no TypeScript. esbuild is tsup's dependency, so it is resolved from tsup's location.
 */
export async function bundleScript(entry: string, outFile: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
  await esbuild.build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    tsconfig: workspaceTsconfig,
    conditions: [SOURCE_CONDITION],
    // node-redis is CommonJS: give its `require` calls one in the ESM output.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outFile;
}
