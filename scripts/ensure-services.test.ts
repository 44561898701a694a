import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./ensure-services.mjs', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A PATH holding only `node` and `sh`: no redis-server, no apt-get. */
async function barePath(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-ensure-'));
  await symlink(process.execPath, path.join(dir, 'node'));
  const sh = spawnSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).stdout.trim();
  await symlink(sh, path.join(dir, 'sh'));
  return dir;
}

describe('scripts/ensure-services.mjs', () => {
  it('passes quietly when every component is on PATH', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('names the missing component and the command that installs it when it cannot install', async () => {
    const bin = await barePath();
    const run = spawnSync(path.join(bin, 'node'), [script], {
      encoding: 'utf8',
      env: { PATH: bin },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('The tests need redis-server');
    expect(run.stderr).toContain('apt-get install -y redis-server');
  });
});
