import path from 'node:path';
import type { MessageSource, RateMemory } from '@tgfetch/core';
import type { Invoke, TelegramConnectionState } from '@tgfetch/telegram';
import type { SimulatedLiveOptions } from '@tgfetch/telegram/testing';
import { accountGroup } from '../settings/account.js';
import { daysGroup } from '../settings/days.js';
import { filesGroup } from '../settings/files.js';
import type { SettingsOf } from '../settings/group.js';
import type { Settings, Uses } from '../settings/index.js';
import { alternatives } from '../settings/schemas.js';
import { sessionGroup } from '../settings/session.js';
import { telegramGroup } from '../settings/telegram.js';
import { adapter } from './adapter.js';
import { simulatedOptions } from './simulated-options.js';

export interface OpenedSource {
  source: MessageSource;
  /** The entry of `SOURCES` it came from. */
  kind: string;
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
   * How the simulated Telegram changes live unless `TGFETCH_SIM` says: `follow` gives it a
   * shared live history, so that a demo shows changes at once and a second run catches up
   * on what happened meanwhile.
   */
  simulatedLive?: SimulatedLiveOptions | undefined;
  /**
   * Where the account's learned request rate is kept between processes (the daemon's is
   * in Redis). Without it a Telegram source keeps it in files beside the store
   * (`<DATA_DIR>/.rates`), and a simulated one keeps none.
   */
  rateMemory?: RateMemory | undefined;
  /** Told when the rate memory could not be read or written (pacing goes on without it). */
  onRateMemoryError?: ((error: unknown) => void) | undefined;
}

/**
 * The sources `--source` / `TGFETCH_SOURCE` chooses from (`kind`, or `kind:<argument>` for
 * one that takes an `argument`), each with the settings groups it reads (checked only when
 * it is chosen) and imported only when chosen: reading an export never loads gramjs, and
 * the simulated Telegram is not loaded by a production daemon. A new source is one line
 * here.
 */
export const SOURCES = {
  telegram: adapter({
    settings: [telegramGroup, accountGroup, sessionGroup, filesGroup],
    load: () => import('@tgfetch/telegram'),
    // The whole package's: the login's and the export's codes too.
    errorCodes: (pkg) => pkg.TELEGRAM_ERROR_CODES,
    open: openTelegram,
  }),
  // Its errors are the Telegram package's.
  simulated: adapter({
    settings: [],
    load: () => import('@tgfetch/telegram/testing'),
    open: openSimulated,
  }),
  export: adapter({
    argument: '<result.json>',
    settings: [daysGroup],
    load: () => import('@tgfetch/telegram/export'),
    errorCodes: (pkg) => pkg.EXPORT_ERROR_CODES,
    open: openExport,
  }),
};

type SourceKind = keyof typeof SOURCES;

/** How each source is written in TGFETCH_SOURCE: `telegram`, `export:<result.json>`. */
export const SOURCE_SPELLINGS: readonly string[] = Object.entries(SOURCES).map(([kind, source]) =>
  'argument' in source ? `${kind}:${source.argument}` : kind,
);

/** A TGFETCH_SOURCE value taken apart, or undefined when no source of the table has it. */
export function parseSourceSpec(spec: string): { kind: SourceKind; argument: string } | undefined {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? '' : spec.slice(colon + 1);
  if (!Object.hasOwn(SOURCES, kind)) return undefined;
  const takesArgument = 'argument' in SOURCES[kind as SourceKind];
  return takesArgument === (argument !== '') ? { kind: kind as SourceKind, argument } : undefined;
}

/** Builds the source TGFETCH_SOURCE names, from the settings it was loaded with. */
export async function openSource(
  settings: Uses<'source'> & Settings,
  options: SourceOptions = {},
): Promise<OpenedSource> {
  const spec = settings.source.TGFETCH_SOURCE;
  const parsed = parseSourceSpec(spec);
  if (!parsed) throw new Error(`unknown source "${spec}": use ${alternatives(SOURCE_SPELLINGS)}`);
  return SOURCES[parsed.kind].open(settings, parsed.argument, options);
}

async function openExport(
  { createExportSource }: typeof import('@tgfetch/telegram/export'),
  settings: SettingsOf<[typeof daysGroup]>,
  file: string,
  { only }: SourceOptions,
): Promise<OpenedSource> {
  const source = createExportSource({
    file,
    timeZone: settings.days.TGFETCH_TZ,
    // `tgfetch chats --source export:` prints this chat as the `--chat` to use.
    ...(only ? { chat: only.chat } : {}),
  });
  return { source, kind: 'export', close: () => source.close() };
}

async function openSimulated(
  { createSimulatedSource }: typeof import('@tgfetch/telegram/testing'),
  _settings: SettingsOf<[]>,
  _argument: string,
  { onConnectionState, simulatedLive, rateMemory, onRateMemoryError }: SourceOptions,
): Promise<OpenedSource> {
  const source = createSimulatedSource({
    ...(simulatedLive ? { live: simulatedLive } : {}),
    ...simulatedOptions(),
    ...(rateMemory ? { rateMemory, onRateMemoryError } : {}),
    onConnectionState,
  });
  return { source, kind: 'simulated', invoke: source.invoke, close: () => source.close() };
}

async function openTelegram(
  { createTelegramClientSource }: typeof import('@tgfetch/telegram'),
  settings: SettingsOf<
    [typeof telegramGroup, typeof accountGroup, typeof sessionGroup, typeof filesGroup]
  >,
  _argument: string,
  { onConnectionState, rateMemory, onRateMemoryError }: SourceOptions,
): Promise<OpenedSource> {
  const { account, session, telegram } = settings;
  const rates = rateMemory ?? (await fileRateMemory(settings.files.DATA_DIR));
  const source = createTelegramClientSource({
    apiId: account.TELEGRAM_API_ID,
    apiHash: account.TELEGRAM_API_HASH,
    session: session.TELEGRAM_SESSION,
    takeout: session.TELEGRAM_TAKEOUT,
    proxy: telegram.TELEGRAM_PROXY,
    connectTimeoutMs: telegram.TELEGRAM_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: telegram.TELEGRAM_REQUEST_TIMEOUT_MS,
    onConnectionState,
    rateMemory: rates,
    onRateMemoryError,
    ...peerCacheOptions(settings),
  });
  return { source, kind: 'telegram', invoke: source.invoke, close: () => source.close() };
}

/**
 * Access hashes and resolved usernames are kept on disk, one file per account, so that a
 * numeric chat id works in every process of that account (`daemon` and `fetch` alike).
 */
export function peerCacheOptions(settings: SettingsOf<[typeof sessionGroup, typeof filesGroup]>): {
  peerCacheDir?: string;
  peerTtlMs: number;
} {
  const { session, files } = settings;
  const dir = session.TELEGRAM_PEER_CACHE_DIR ?? path.join(files.DATA_DIR, '.peers');
  const peerTtlMs = session.TELEGRAM_PEER_TTL_SEC * 1000;
  return dir === 'off' ? { peerTtlMs } : { peerCacheDir: dir, peerTtlMs };
}

/**
 * The learned request rates of `tgfetch fetch` (no Redis): one small file per account in
 * `<DATA_DIR>/.rates`, so that the next fetch of the account starts at the rate this one
 * learned.
 */
async function fileRateMemory(dataDir: string): Promise<RateMemory> {
  const { createFileRateMemory } = await import('@tgfetch/fs-store');
  return createFileRateMemory({ dir: path.join(dataDir, '.rates') });
}
