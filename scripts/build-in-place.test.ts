import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A real build of a real package while a reader keeps loading its dist/, as a CLI run from
 * a checkout does while `pnpm test` rebuilds: the files are always there and whole, and
 * what the build no longer makes is gone afterwards.
 */
const pkg = fileURLToPath(new URL('../packages/fs-store', import.meta.url));
const dist = path.join(pkg, 'dist');

describe('build in place', () => {
  it('never removes or half-writes dist/, and prunes files the build no longer makes', async () => {
    const stale = path.join(dist, 'left-by-an-older-build.js');
    writeFileSync(stale, 'export {};\n');
    const entry = path.join(dist, 'index.js');
    const inodeBefore = statSync(entry).ino;
    const problems: string[] = [];
    let reads = 0;
    const reader = setInterval(() => {
      try {
        const text = readFileSync(entry, 'utf8');
        reads++;
        // A whole bundle ends with its source map comment.
        if (!text.trimEnd().endsWith('.map')) problems.push(`partial (${text.length} bytes)`);
      } catch (error) {
        problems.push(String(error));
      }
    }, 2);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('pnpm', ['run', 'build'], { cwd: pkg, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
      child.once('error', reject);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    clearInterval(reader);
    expect(code).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    // Replaced by a rename, not rewritten in place; the stale file is gone.
    expect(statSync(entry).ino).not.toBe(inodeBefore);
    expect(() => statSync(stale)).toThrow();
  }, 300_000);
});
