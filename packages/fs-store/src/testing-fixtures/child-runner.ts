import { fileURLToPath } from 'node:url';
import { type ChildRun, spawnProcess } from '@tgfetch/test-utils';
import { useBundledScript } from '@tgfetch/test-utils/vitest';

/**
 * For a file's (or `describe` block's) tests that run `child.ts` in processes of their
 * own: bundled once before them, in a temp folder (`dir`) removed after them. Read `dir`
 * inside tests and hooks.
 */
export function useChild(): { readonly dir: string; spawn(...args: string[]): ChildRun } {
  const bundled = useBundledScript(fileURLToPath(new URL('./child.ts', import.meta.url)));
  return {
    get dir() {
      return bundled.dir;
    },
    /** Runs `child.ts <mode> ...args`; its JSON reports are `jsonLines()`. */
    spawn: (...args) => spawnProcess(process.execPath, [bundled.script, ...args]),
  };
}
