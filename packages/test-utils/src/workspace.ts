import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The export condition under which every workspace package names the source file of each
 * of its entry points, next to the built ones: the type checker (`customConditions` of the
 * root tsconfig.json), vitest and the test bundles resolve `@tgfetch/*` through it, so a
 * new package needs no line anywhere else.
 */
export const SOURCE_CONDITION = '@tgfetch/source';

/** The repository's root (this file sits two folders below the package, in `src/` or `dist/`). */
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The repository's tsconfig.json, whose compiler options the test bundles follow. */
export const workspaceTsconfig: string = path.join(root, 'tsconfig.json');

export interface WorkspacePackage {
  /** `@tgfetch/core` */
  name: string;
  /** Its folder, relative to the repository's root: `packages/core`. */
  folder: string;
  /** Never published (`"private": true`). */
  private: boolean;
  /** Each entry point (`@tgfetch/telegram/errors`) and its source file (absolute). */
  entries: Record<string, string>;
}

/** Every package in `packages/`, as its package.json describes it. */
export function workspacePackages(): WorkspacePackage[] {
  const folders = readdirSync(path.join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `packages/${entry.name}`)
    .sort();
  return folders.flatMap((folder) => {
    let manifest: {
      name: string;
      private?: boolean;
      exports?: Record<string, string | Record<string, unknown>>;
    };
    try {
      manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    const entries: Record<string, string> = {};
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' ? target[SOURCE_CONDITION] : undefined;
      if (typeof source !== 'string') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
      entries[specifier] = path.join(root, folder, source);
    }
    return [{ name: manifest.name, folder, private: manifest.private === true, entries }];
  });
}

/** The source file of a workspace entry point, e.g. `@tgfetch/core` → `…/core/src/index.ts`. */
export function workspaceSource(specifier: string): string {
  for (const pkg of workspacePackages()) {
    const source = pkg.entries[specifier];
    if (source !== undefined) return source;
  }
  throw new Error(`${specifier} is not a workspace entry point`);
}
