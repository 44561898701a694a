import { readFile } from 'node:fs/promises';

/**
 * Bytes this process has passed to write(2) so far (`wchar` of /proc/self/io, Linux): what
 * write amplification is measured with, on the real file system, whatever the code path.
 */
export async function ioBytesWritten(): Promise<number> {
  const text = await readFile('/proc/self/io', 'utf8');
  const match = /^wchar:\s*(\d+)$/m.exec(text);
  if (!match) throw new Error('/proc/self/io has no wchar line');
  return Number(match[1]);
}
