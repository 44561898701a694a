import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's tsconfig.json: its `paths` send every `@tgfetch/*` entry point to the
 * package's sources, for the type checker, vitest and the test bundles alike. (This file
 * sits two folders below the package, in `src/` or `dist/`.)
 */
export const workspaceTsconfig: string = fileURLToPath(
  new URL('../../../tsconfig.json', import.meta.url),
);

/** The source file of a workspace entry point, e.g. `@tgfetch/core` → `…/core/src/index.ts`. */
export function workspaceSource(specifier: string): string {
  const config = JSON.parse(readFileSync(workspaceTsconfig, 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const target = config.compilerOptions.paths[specifier]?.[0];
  if (target === undefined) throw new Error(`${specifier} is not a workspace entry point`);
  return path.resolve(path.dirname(workspaceTsconfig), target);
}
