import path from 'node:path';
import type { MessageSource } from '@tgfetch/core';
import type { Invoke } from '@tgfetch/telegram';
import type { Config } from './config.js';
import { simulatedOptions } from './simulated-options.js';

export interface OpenedSource {
  source: MessageSource;
  kind: 'telegram' | 'simulated' | 'export';
  /**
   * Requests on a Telegram (or simulated) source's connection, for `chats` and `resolve`:
   * its deadlines, and its peer cache learning what they see.
   */
  invoke?: Invoke;
  close(): Promise<void>;
}

/**
 * Builds the source named by `--source` / `TGFETCH_SOURCE`. Each is imported only when
 * chosen: reading an export never loads gramjs, and the simulated Telegram is not loaded by
 * a production daemon.
 */
export async function openSource(
  spec: string,
  config: Config,
  /** The chat a one-shot fetch names: with an export, it also picks the export's chat. */
  only?: { chat: string },
): Promise<OpenedSource> {
  if (spec.startsWith('export:')) {
    const { createExportSource } = await import('@tgfetch/telegram/export');
    const source = createExportSource({
      file: spec.slice('export:'.length),
      timeZone: config.TGFETCH_TZ,
      // `tgfetch chats --source export:` prints this chat as the `--chat` to use.
      ...(only ? { chat: only.chat } : {}),
    });
    return { source, kind: 'export', close: () => source.close() };
  }
  if (spec === 'simulated') {
    const { createSimulatedSource } = await import('@tgfetch/telegram/testing');
    const source = createSimulatedSource(simulatedOptions());
    return { source, kind: 'simulated', invoke: source.invoke, close: () => source.close() };
  }
  if (spec !== 'telegram')
    throw new Error(`unknown source "${spec}": use telegram, simulated or export:<result.json>`);
  const { createTelegramClientSource } = await import('@tgfetch/telegram');
  const source = createTelegramClientSource({
    apiId: config.TELEGRAM_API_ID ?? 0,
    apiHash: config.TELEGRAM_API_HASH ?? '',
    session: config.TELEGRAM_SESSION ?? '',
    takeout: config.TELEGRAM_TAKEOUT,
    proxy: config.TELEGRAM_PROXY,
    connectTimeoutMs: config.TELEGRAM_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: config.TELEGRAM_REQUEST_TIMEOUT_MS,
    ...peerCacheOptions(config),
  });
  return { source, kind: 'telegram', invoke: source.invoke, close: () => source.close() };
}

/**
 * Access hashes and resolved usernames are kept on disk, one file per account, so that a
 * numeric chat id works in every process of that account (`daemon` and `fetch` alike).
 */
export function peerCacheOptions(config: Config): { peerCacheDir?: string; peerTtlMs: number } {
  const dir = config.TELEGRAM_PEER_CACHE_DIR ?? path.join(config.DATA_DIR, '.peers');
  const peerTtlMs = config.TELEGRAM_PEER_TTL_SEC * 1000;
  return dir === 'off' ? { peerTtlMs } : { peerCacheDir: dir, peerTtlMs };
}
