import type { ChildRun } from './child-process.js';

/**
 * How long `run`'s process lived after it first wrote `marker` on stdout (the line a child
 * prints once its work resolved) until its 'exit': what a process that leaves a timer or a
 * handle behind spends before it ends by itself. Call it right after spawning. Rejects when
 * the process exits without the marker, or `deadlineMs` after the call (it is then killed).
 */
export function lingerAfter(run: ChildRun, marker: string, deadlineMs = 60_000): Promise<number> {
  let markedAt: number | undefined;
  let seen = '';
  const onData = (chunk: string | Buffer) => {
    seen += chunk.toString();
    if (markedAt === undefined && seen.includes(marker)) markedAt = Date.now();
  };
  run.child.stdout?.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${deadlineMs} ms: ${run.stderr()}`));
    }, deadlineMs);
    let exitedAt = 0;
    run.child.once('exit', () => {
      exitedAt = Date.now();
    });
    // Its last output may be read after 'exit': by 'close' every pipe is drained.
    run.child.once('close', () => {
      clearTimeout(timer);
      run.child.stdout?.off('data', onData);
      if (markedAt === undefined) {
        reject(new Error(`the process exited without printing ${marker}: ${run.stderr()}`));
      } else resolve(Math.max(0, exitedAt - markedAt));
    });
  });
}
