import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ: what /proc counts CPU time in. */
export const CLOCK_TICKS_PER_SEC = 100;

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export async function cpuTicks(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields from the third on: utime and stime are the 14th and 15th of the whole line.
  return Number(fields[11]) + Number(fields[12]);
}

/** Resident memory of a process now (VmRSS), MB. */
export async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}
