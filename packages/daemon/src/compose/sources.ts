import path from 'node:path';
import type { MessageSource } from '@tgfetch/core';
import type { Invoke, TelegramConnectionState } from '@tgfetch/telegram';
import type { Config } from '../config.js';
import { simulatedOptions } from '../simulated-options.js';

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

export interface SourceOptions {
  /** The chat a one-shot fetch names: with an export, it also picks the export's chat. */
  only?: { chat: string } | undefined;
  /**
   * Told where a Telegram (or simulated) source's connection stands; an export has none and
   * never tells.
   */
  onConnectionState?: ((state: TelegramConnectionState) => void) | undefined;
  /**
   * How the simulated Telegram changes live unless `TGFETCH_SIM` says: `follow` starts it
   * changing the chats it follows, so that a demo shows changes at once.
   */
  simulatedLive?: { startWhenFollowed: boolean; eventsPerSecond: number } | undefined;
}

type SourceAdapter = (
  /** What follows `kind:` in the setting (`export:<file>`); empty for the others. */
  argument: string,
  config: Config,
  options: SourceOptions,
) => Promise<OpenedSource>;

/**
 * The sources `--source` / `TGFETCH_SOURCE` chooses from (`kind` or `kind:<argument>`), each
 * imported only when chosen: reading an export never loads gramjs, and the simulated
 * Telegram is not loaded by a production daemon.
 */
const SOURCES: Record<OpenedSource['kind'], SourceAdapter> = {
  telegram: openTelegram,
  simulated: openSimulated,
  export: openExport,
};

/** Builds the source named by `--source` / `TGFETCH_SOURCE`. */
export async function openSource(
  spec: string,
  config: Config,
  options: SourceOptions = {},
): Promise<OpenedSource> {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const open = Object.hasOwn(SOURCES, kind) ? SOURCES[kind as OpenedSource['kind']] : undefined;
  if (!open)
    throw new Error(`unknown source "${spec}": use telegram, simulated or export:<result.json>`);
  return open(colon < 0 ? '' : spec.slice(colon + 1), config, options);
}

async function openExport(
  file: string,
  config: Config,
  { only }: SourceOptions,
): Promise<OpenedSource> {
  const { createExportSource } = await import('@tgfetch/telegram/export');
  const source = createExportSource({
    file,
    timeZone: config.TGFETCH_TZ,
    // `tgfetch chats --source export:` prints this chat as the `--chat` to use.
    ...(only ? { chat: only.chat } : {}),
  });
  return { source, kind: 'export', close: () => source.close() };
}

async function openSimulated(
  _: string,
  _config: Config,
  { onConnectionState, simulatedLive }: SourceOptions,
): Promise<OpenedSource> {
  const { createSimulatedSource } = await import('@tgfetch/telegram/testing');
  const source = createSimulatedSource({
    ...(simulatedLive ? { live: simulatedLive } : {}),
    ...simulatedOptions(),
    onConnectionState,
  });
  return { source, kind: 'simulated', invoke: source.invoke, close: () => source.close() };
}

async function openTelegram(
  _: string,
  config: Config,
  { onConnectionState }: SourceOptions,
): Promise<OpenedSource> {
  const { createTelegramClientSource } = await import('@tgfetch/telegram');
  const source = createTelegramClientSource({
    apiId: config.TELEGRAM_API_ID ?? 0,
    apiHash: config.TELEGRAM_API_HASH ?? '',
    session: config.TELEGRAM_SESSION ?? '',
    takeout: config.TELEGRAM_TAKEOUT,
    proxy: config.TELEGRAM_PROXY,
    connectTimeoutMs: config.TELEGRAM_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: config.TELEGRAM_REQUEST_TIMEOUT_MS,
    onConnectionState,
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
