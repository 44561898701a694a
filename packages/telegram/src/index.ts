/**
 * `@tgfetch/telegram`: a `MessageSource` over gramjs. The simulated Telegram lives in
 * `@tgfetch/telegram/testing`, the Telegram Desktop export reader in
 * `@tgfetch/telegram/export` (which never loads gramjs), the proxy URL parser also in
 * `@tgfetch/telegram/proxy` (which never loads gramjs either, for configuration checks), the
 * error codes and their table also in `@tgfetch/telegram/errors` (no gramjs).
 */
export {
  createOwnedClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type OwnedClient,
  type TelegramClientOptions,
} from './client.js';
export { createTelegramClientSource, type TelegramClientSourceOptions } from './client-source.js';
export {
  clientConnection,
  createTelegramConnection,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type TelegramConnection,
  type TelegramConnectionOptions,
  type TelegramConnectionState,
} from './connection.js';
export {
  type ChatInfo,
  type ChatKind,
  chatInfo,
  clientInvoke,
  describeChat,
  listDialogs,
} from './dialogs.js';
export type { Invoke } from './entities.js';
export {
  LoginErrorCode,
  TELEGRAM_ERROR_CODES,
  TelegramErrorCode,
} from './error-codes.js';
export { type TranslateContext, translateTelegramError } from './errors.js';
export { PAGE_SIZE } from './history.js';
export { markedId, type PeerKind, toBigId, unmarkId } from './ids.js';
export {
  createTelegramChangeSource,
  DEFAULT_GAP_WAIT_MS,
  DEFAULT_MAX_POLL_INTERVAL_MS,
  type TelegramChangeSource,
  type TelegramChangeSourceOptions,
} from './live/change-source.js';
export {
  LoginError,
  type LoginOptions,
  type LoginPrompts,
  login,
} from './login.js';
export { mapAction, mapEntity, mapMedia, mapMessage, type TelegramMedia } from './map-message.js';
export { createPacer, type PacedTurn, type Pacer, type PacingOptions } from './pacer.js';
export {
  type CachedPeer,
  createFilePeerCache,
  createMemoryPeerCache,
  type FilePeerCacheOptions,
  type PeerCache,
} from './peer-cache.js';
export { describeProxy, parseProxy, type TelegramProxy } from './proxy.js';
export {
  createTelegramSource,
  type FloodWaitNotice,
  type TelegramSource,
  type TelegramSourceOptions,
} from './source.js';
export type { TakeoutOptions } from './takeout.js';
