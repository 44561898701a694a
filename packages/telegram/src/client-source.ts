import { TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { StringSession } from 'telegram/sessions/index.js';
import { translateTelegramError } from './errors.js';
import { createTelegramSource, type TelegramSource, type TelegramSourceOptions } from './source.js';

export interface TelegramClientSourceOptions
  extends Omit<TelegramSourceOptions, 'client' | 'connect' | 'dispose'> {
  /** From https://my.telegram.org. */
  apiId: number;
  apiHash: string;
  /** A gramjs string session (what `tgfetch login` prints). Never logged. */
  session: string;
  /** Reconnection attempts gramjs makes on its own. @default 5 */
  connectionRetries?: number;
  /** gramjs' request timeout, seconds. @default 10 */
  timeoutSec?: number;
  /** Use IPv6 to reach Telegram. @default false */
  useIPV6?: boolean;
}

/**
 * A Telegram source that owns its gramjs client: built from a string session, connected on
 * first use, and on `close()` destroyed rather than disconnected (a disconnected gramjs
 * client keeps its update loop alive, printing TIMEOUT forever). gramjs' logger is silenced;
 * what matters reaches the caller as typed errors and flood-wait notices.
 */
export function createTelegramClientSource(options: TelegramClientSourceOptions): TelegramSource {
  const { apiId, apiHash, session, connectionRetries, timeoutSec, useIPV6, ...sourceOptions } =
    options;
  const client = new TelegramClient(new StringSession(session), apiId, apiHash, {
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: connectionRetries ?? 5,
    timeout: timeoutSec ?? 10,
    useIPV6: useIPV6 ?? false,
    floodSleepThreshold: 0,
  });
  return createTelegramSource({
    ...sourceOptions,
    client,
    connect: async () => {
      try {
        await client.connect();
      } catch (error) {
        throw translateTelegramError(error);
      }
    },
    dispose: () => client.destroy(),
  });
}
