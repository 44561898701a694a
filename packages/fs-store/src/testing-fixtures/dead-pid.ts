import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** The pid of a process that has run and exited: a holder known to be dead. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}
