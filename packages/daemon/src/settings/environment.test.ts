import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureContext } from '../testing/capture.js';
import { ConfigError } from './config-error.js';
import { environment, settingsFor } from './environment.js';
import { filesGroup } from './files.js';
import { serviceGroup } from './service.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-env-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GROUPS = [filesGroup, serviceGroup] as const;

describe('.env loading', () => {
  it('puts ./.env under the real environment', async () => {
    await writeFile(
      path.join(dir, '.env'),
      '# comment\nDATA_DIR=from-file\nLOG_LEVEL=debug\nQUEUE_NAME="quoted name"\n',
    );
    const ctx = captureContext({ cwd: dir, env: { LOG_LEVEL: 'warn' } });
    expect(environment(ctx)).toMatchObject({
      DATA_DIR: 'from-file',
      LOG_LEVEL: 'warn',
      QUEUE_NAME: 'quoted name',
    });
    const settings = settingsFor(ctx, GROUPS);
    expect(settings.files.DATA_DIR).toBe('from-file');
    expect(settings.service.LOG_LEVEL).toBe('warn');
  });

  it('works without a .env file', () => {
    const ctx = captureContext({ cwd: dir, env: { DATA_DIR: 'x' } });
    expect(environment(ctx)).toEqual({ DATA_DIR: 'x' });
  });

  it('reads --env-file relative to the working directory, and rejects a missing one', async () => {
    await writeFile(path.join(dir, 'prod.env'), 'FETCH_CONCURRENCY=3\n');
    const ctx = captureContext({ cwd: dir });
    expect(settingsFor(ctx, GROUPS, {}, 'prod.env').service.FETCH_CONCURRENCY).toBe(3);
    expect(() => settingsFor(ctx, GROUPS, {}, 'missing.env')).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: ['--env-file missing.env does not exist'],
      }),
    );
  });

  it('command-line overrides win over both; unset overrides are ignored', async () => {
    await writeFile(path.join(dir, '.env'), 'DATA_DIR=from-file\n');
    const ctx = captureContext({ cwd: dir, env: { DATA_DIR: 'from-env' } });
    expect(settingsFor(ctx, GROUPS, { DATA_DIR: 'from-flag' }).files.DATA_DIR).toBe('from-flag');
    expect(settingsFor(ctx, GROUPS, { DATA_DIR: undefined }).files.DATA_DIR).toBe('from-env');
  });

  it('throws one ConfigError listing every problem', () => {
    const ctx = captureContext({ cwd: dir, env: { FETCH_CONCURRENCY: 'abc', LOG_LEVEL: 'loud' } });
    try {
      settingsFor(ctx, GROUPS);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.code).toBe('CONFIG');
      expect(e.problems).toHaveLength(2);
      expect(e.message).toMatch(
        /^invalid configuration:\n {2}- .*LOG_LEVEL.*\n {2}- .*FETCH_CONCURRENCY/,
      );
    }
  });
});
