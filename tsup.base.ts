import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package shares: ESM and CommonJS side by side (many of the services
 * that install us still `require`), declarations for both, Node 20 syntax. Packages build
 * with `scripts/build-in-place.mjs`, which points `outDir` at a staging folder (the one
 * `clean` empties) and moves the result into `dist/` file by file: `dist/` is never removed.
 */
export function packageBuild(entry: Record<string, string>, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    ...extra,
  });
}
