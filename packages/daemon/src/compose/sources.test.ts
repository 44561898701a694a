import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openSource, peerCacheOptions } from './sources.js';

const config = (env: Record<string, string>) => {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
};

describe('the Telegram peer cache of daemon and fetch', () => {
  it('is on by default, in DATA_DIR/.peers, where every process of the data dir finds it', () => {
    expect(peerCacheOptions(config({ DATA_DIR: '/srv/tg' }))).toEqual({
      peerCacheDir: path.join('/srv/tg', '.peers'),
      peerTtlMs: 86_400_000,
    });
  });

  it('can live elsewhere, keep usernames for another TTL, or be turned off', () => {
    expect(
      peerCacheOptions(
        config({ TELEGRAM_PEER_CACHE_DIR: '/var/cache/tg', TELEGRAM_PEER_TTL_SEC: '60' }),
      ),
    ).toEqual({ peerCacheDir: '/var/cache/tg', peerTtlMs: 60_000 });
    expect(peerCacheOptions(config({ TELEGRAM_PEER_CACHE_DIR: 'off' }))).toEqual({
      peerTtlMs: 86_400_000,
    });
  });

  it('rejects a TTL that is not a positive number of seconds', () => {
    const result = loadConfig({ TELEGRAM_PEER_TTL_SEC: '0' });
    expect(result.ok).toBe(false);
  });
});

describe('the source table', () => {
  it('refuses a kind it does not hold, inherited names included', async () => {
    for (const spec of ['ftp:x', 'constructor', 'toString:x']) {
      await expect(openSource(spec, config({}))).rejects.toThrow(`unknown source "${spec}"`);
    }
  });
});
