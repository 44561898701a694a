import { createTelegramConnection, type TelegramConnectionOptions } from './connection.js';
import { createTelegramSource, type TelegramSource, type TelegramSourceOptions } from './source.js';

export interface TelegramClientSourceOptions
  extends Omit<TelegramSourceOptions, 'client' | 'connection' | 'requestTimeoutMs'>,
    TelegramConnectionOptions {}

/**
 * A Telegram source that owns its gramjs client: built from a string session, connected on
 * first use within `connectTimeoutMs` (else a retryable `TELEGRAM_UNREACHABLE`), every
 * request under `requestTimeoutMs`, a client whose sender gave up replaced by a fresh one,
 * and on `close()` everything it opened ended (no gramjs timer or socket outlives it).
 * gramjs' logger is silenced; what matters reaches the caller as typed errors, flood-wait
 * notices and `onConnectionState`.
 */
export function createTelegramClientSource(options: TelegramClientSourceOptions): TelegramSource {
  // The connection reads its own options by name; the source is given the rest.
  const {
    apiId,
    apiHash,
    session,
    proxy,
    connectTimeoutMs,
    requestTimeoutMs,
    connectionRetries,
    useIPV6,
    serverPort,
    onConnectionState,
    ...sourceOptions
  } = options;
  return createTelegramSource({ ...sourceOptions, connection: createTelegramConnection(options) });
}
