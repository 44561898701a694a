import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packages = path.resolve(here, '../../..');

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/**
 * Bundles a TypeScript entry into one ESM file that Node runs as is (Node 20 runs no .ts).
 * esbuild is not our dependency: it is tsup's, so it is resolved from tsup's location.
 */
export async function bundleScript(entry: string, outFile: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild: Esbuild = createRequire(require.resolve('tsup'))('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    alias: {
      '@tgfetch/core': path.join(packages, 'core/src/index.ts'),
    },
    // node-redis is CommonJS: give its `require` calls one in the ESM output.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outFile;
}
