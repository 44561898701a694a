/**
 * `@tgfetch/telegram/testing`: a simulated Telegram behind a real gramjs client, for our
 * tests and benchmarks and for anyone testing an integration without an account.
 */
import type { TelegramConnectionState } from '../connection.js';
import {
  createTelegramSource,
  type TelegramSource,
  type TelegramSourceOptions,
} from '../source.js';
import {
  createSimulatedTelegram,
  type SimulatedTelegram,
  type SimulatedTelegramOptions,
} from './simulated-telegram.js';

export type { SimulatedChatKind } from './chat-plan.js';
export {
  accountExport,
  type ExportMessageSpec,
  exportMessage,
  type RawMessage,
  singleChatExport,
  wallTime,
  writeExport,
  writeLargeExport,
} from './desktop-export.js';
export {
  type CommentSpec,
  type CopySpec,
  channelPost,
  discussionComment,
  discussionCopy,
  type PostSpec,
} from './discussion-thread.js';
export {
  closedPort,
  type Microsocks,
  type SilentServer,
  sessionAt,
  silentServer,
  startMicrosocks,
} from './endpoints.js';
export { type FaultHook, type FaultOptions, type SimulatedFault, telegramError } from './faults.js';
export type { SharedLiveOptions, SimulatedLive, SimulatedLiveOptions } from './live-types.js';
export { type LoginScriptOptions, loginScript } from './login-script.js';
export type { RateLimitOptions } from './rate-limit.js';
export {
  createScriptedAccount,
  type ScriptedAccount,
  type ScriptedAccountOptions,
  type ScriptedChannel,
  type ScriptedGroup,
} from './scripted-account.js';
export {
  type Script as SenderScript,
  type ScriptedSenderOptions,
  scriptEveryClient,
} from './scripted-sender.js';
export {
  createScriptedTelegram,
  rpcError,
  type Script,
  type ScriptedAnswer,
  type ScriptedTelegram,
} from './scripted-telegram.js';
export { SHARED_ANCHOR_MS } from './shared-live.js';
export type { SimulatedDiscussionOptions } from './simulated-discussion.js';
export {
  createSimulatedTelegram,
  type SimulatedChat,
  type SimulatedChatDiscussion,
  type SimulatedTelegram,
  type SimulatedTelegramOptions,
  type SimulatedTelegramStats,
} from './simulated-telegram.js';

export interface SimulatedSourceOptions
  extends SimulatedTelegramOptions,
    Omit<TelegramSourceOptions, 'client' | 'clock' | 'connection' | 'requestTimeoutMs'> {
  /**
   * As a Telegram connection's: the simulated Telegram answers in this process, so it is
   * `connected` from the start (told at once) until `close()` (`closed`). @default none
   */
  onConnectionState?: ((state: TelegramConnectionState) => void) | undefined;
}

export interface SimulatedSource extends TelegramSource {
  telegram: SimulatedTelegram;
}

/**
 * The folder (canonical chat, see the README's identity rule) of simulated chat `name` in
 * a simulated Telegram of `seed`: its marked `-100…` id.
 */
export function simulatedFolder(name: string, seed?: number): string {
  return createSimulatedTelegram(seed === undefined ? {} : { seed }).chat(name).markedId;
}

/** `createTelegramSource` over a fresh simulated Telegram (both on the same clock). */
export function createSimulatedSource(options: SimulatedSourceOptions = {}): SimulatedSource {
  const telegram = createSimulatedTelegram(options);
  const {
    peerCache,
    peerCacheFile,
    takeout,
    onFloodWait,
    pacing,
    clock,
    onCommentRead,
    rateMemory,
  } = options;
  const source = createTelegramSource({
    client: telegram.client,
    ...(onCommentRead ? { onCommentRead } : {}),
    ...(peerCache ? { peerCache } : {}),
    ...(peerCacheFile ? { peerCacheFile } : {}),
    ...(takeout ? { takeout } : {}),
    ...(onFloodWait ? { onFloodWait } : {}),
    ...(pacing !== undefined ? { pacing } : {}),
    ...(clock ? { clock } : {}),
    ...(rateMemory ? { rateMemory, onRateMemoryError: options.onRateMemoryError } : {}),
  });
  const { onConnectionState } = options;
  onConnectionState?.('connected');
  const close = source.close.bind(source);
  let closed = false;
  return Object.assign(source, {
    telegram,
    async close() {
      if (!closed) onConnectionState?.('closed');
      closed = true;
      telegram.live.stop();
      await close();
    },
  });
}
