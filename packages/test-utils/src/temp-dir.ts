import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  dir: string;
  /** Removes the folder and everything in it. */
  cleanup(): Promise<void>;
}

/** A throwaway folder under the system temp dir (`<prefix>XXXXXX`), and its removal. */
export async function tempDir(prefix = 'tgfetch-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
