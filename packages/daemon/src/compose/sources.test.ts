import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesGroup } from '../settings/files.js';
import { sessionGroup } from '../settings/session.js';
import { sourceGroup } from '../settings/source.js';
import { valuesOf } from '../testing/settings.js';
import { openSource, peerCacheOptions } from './sources.js';

const peers = (env: Record<string, string>) =>
  peerCacheOptions({
    session: valuesOf(sessionGroup, { TELEGRAM_SESSION: 's', ...env }),
    files: valuesOf(filesGroup, env),
  });

describe('the Telegram peer cache of daemon and fetch', () => {
  it('is on by default, in DATA_DIR/.peers, where every process of the data dir finds it', () => {
    expect(peers({ DATA_DIR: '/srv/tg' })).toEqual({
      peerCacheDir: path.join('/srv/tg', '.peers'),
      peerTtlMs: 86_400_000,
    });
  });

  it('can live elsewhere, keep usernames for another TTL, or be turned off', () => {
    expect(
      peers({ TELEGRAM_PEER_CACHE_DIR: '/var/cache/tg', TELEGRAM_PEER_TTL_SEC: '60' }),
    ).toEqual({ peerCacheDir: '/var/cache/tg', peerTtlMs: 60_000 });
    expect(peers({ TELEGRAM_PEER_CACHE_DIR: 'off' })).toEqual({ peerTtlMs: 86_400_000 });
  });
});

describe('the source table', () => {
  it('refuses a kind it does not hold, inherited names included', async () => {
    const source = valuesOf(sourceGroup, { TGFETCH_SOURCE: 'simulated' });
    for (const spec of ['ftp:x', 'constructor', 'toString:x']) {
      await expect(openSource({ source: { ...source, TGFETCH_SOURCE: spec } })).rejects.toThrow(
        `unknown source "${spec}"`,
      );
    }
  });
});
