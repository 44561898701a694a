import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who we are, as written into temp-file names and lock files, so that another process can
 * tell whether the writer of a left-over file is still alive. A pid only means something on
 * its own host, hence the host tag next to it.
 */
export function hostTag(): string {
  return createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
}

/** True unless the process is known to be gone (`ESRCH`); EPERM means it exists. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== 'ESRCH';
  }
}

/** Whether a file left by `host`/`pid` may be removed: only when its writer is surely dead. */
export function isOwnerDead(host: string, pid: number): boolean {
  return host === hostTag() && !isProcessAlive(pid);
}
