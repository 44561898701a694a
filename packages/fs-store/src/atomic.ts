import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './errors.js';
import { hostTag, isOwnerDead } from './process-info.js';

/**
 * Crash-safe file replacement: the new content goes to a uniquely named temp file in the
 * same folder (a rename is only atomic within one file system), is flushed to disk, then
 * renamed over the target, and the folder is flushed so the rename itself survives a power
 * cut. A reader sees the old file or the new one, never a mix.
 *
 * Temp files are named `.<target>.<host>-<pid>.<random>.tmp`: hidden, never matching a day
 * file's name, and telling a later cleaner which process wrote them.
 */

const TEMP = /^\.(.+)\.([0-9a-f]{8})-(\d+)\.[0-9a-f]+\.tmp$/;

export function tempName(target: string): string {
  return `.${target}.${hostTag()}-${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, tempName(path.basename(file)));
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}

/** Flushes a folder's entries (new names, renames, removals) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
    const code = errnoCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Removes temp files left by crashed writers: those whose process is gone (same host), or
 * older than `maxAgeMs` (writers on other hosts, whose pid we cannot check). A live writer's
 * temp file, in this process or another, is left alone. Returns how many were removed.
 */
export async function removeStaleTemps(dir: string, maxAgeMs: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    let stale = isOwnerDead(m[2] ?? '', Number(m[3]));
    if (!stale) {
      const info = await stat(file).catch(() => undefined);
      stale = info !== undefined && Date.now() - info.mtimeMs > maxAgeMs;
    }
    if (stale) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
