import { TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { PromisedNetSockets } from 'telegram/extensions/PromisedNetSockets.js';
import { UpdateConnectionState } from 'telegram/network/index.js';
import { StringSession } from 'telegram/sessions/index.js';
import { tgError, unreachableError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';
import { keepAlive } from './keep-alive.js';
import { describeProxy, parseProxy, type TelegramProxy } from './proxy.js';
import { withTimeout } from './with-timeout.js';

export { withTimeout };

export interface TelegramClientOptions {
  /** From https://my.telegram.org. */
  apiId: number;
  apiHash: string;
  /** A gramjs string session (what `tgfetch login` prints); empty to sign in. Never logged. */
  session: string;
  /** `socks5://[user:pass@]host:port`, `socks4://…`, an MTProxy link, or gramjs' own object. @default none */
  proxy?: string | TelegramProxy | undefined;
  /** How long connecting may take, gramjs' own retries included. @default 15000 */
  connectTimeoutMs?: number | undefined;
  /** Connection attempts gramjs makes within that time. @default 5 */
  connectionRetries?: number | undefined;
  /** Use IPv6 to reach Telegram. @default false */
  useIPV6?: boolean | undefined;
  /**
   * The TCP port of the data center. gramjs always dials 80; a local relay or a test double
   * may listen elsewhere. @default 80
   */
  serverPort?: number | undefined;
}

/** A gramjs client this package owns: connected within a deadline, ended without leftovers. */
export interface OwnedClient {
  readonly client: TelegramClient;
  /**
   * Connects, gramjs' retries included, within `connectTimeoutMs`; past it, or when gramjs
   * gives up (its `connect()` then returns `false` and every later request would wait
   * forever), the client is shut down and this throws a retryable `TELEGRAM_UNREACHABLE`
   * naming the address tried.
   */
  connect(): Promise<void>;
  /** gramjs' sender has stopped for good: requests would wait forever, reconnects do nothing. */
  gaveUp(): boolean;
  /** Ends the sender, its retry loop, its pings and every socket (half-open ones too). Idempotent. */
  shutdown(): Promise<void>;
  /**
   * Once connected: told when gramjs' sender loses its link to Telegram (`false`: it is
   * reconnecting on its own, requests wait) and when it has it again (`true`). gramjs tells
   * both only to its sender's update callback (MTProtoSender `_disconnect` and `connect`).
   */
  watchLink(listener: (up: boolean) => void): void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** The gramjs internals `OwnedClient` reads (gramjs 2.26; see MTProtoSender.js). */
interface SenderInternals {
  _userConnected?: boolean;
  isReconnecting?: boolean;
  isConnecting?: boolean;
  userDisconnected?: boolean;
  _retries?: number;
  _reconnectRetries?: number;
  _updateCallback?: (client: TelegramClient, update: unknown) => unknown;
}

/** Builds a quiet gramjs client (no logging, no flood sleeping) that `shutdown()` truly ends. */
export function createOwnedClient(options: TelegramClientOptions): OwnedClient {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const proxy = typeof options.proxy === 'string' ? parseProxy(options.proxy) : options.proxy;
  let session: StringSession;
  try {
    session = new StringSession(options.session);
  } catch (error) {
    throw tgError(
      TelegramErrorCode.AUTH_FAILED,
      'TELEGRAM_SESSION is not a gramjs string session: make one with `tgfetch login`',
      { cause: error },
    );
  }
  // An MTProxy is dialled at its own address, never remapped.
  const sockets = trackSockets(proxy && 'MTProxy' in proxy ? undefined : options.serverPort);
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: options.connectionRetries ?? 5,
    // gramjs waits this long between attempts; the deadline bounds the whole anyway.
    retryDelay: Math.min(1000, Math.round(timeoutMs / 10)),
    timeout: Math.ceil(timeoutMs / 1000),
    useIPV6: options.useIPV6 ?? false,
    floodSleepThreshold: 0,
    networkSocket: sockets.Socket,
    // gramjs' SOCKS handshake has its own timeout, in seconds.
    ...(proxy ? { proxy: { ...proxy, timeout: Math.max(1, Math.ceil(timeoutMs / 1000)) } } : {}),
  });
  let lastError: unknown;
  client.onError = async (error) => {
    lastError = error;
  };
  // In place of gramjs' update loop, which would outlive `destroy()` (see keepAlive).
  const pings = keepAlive(client);
  const sender = () => (client as unknown as { _sender?: SenderInternals })._sender;
  let ended: Promise<void> | undefined;

  const shutdown = () => {
    ended ??= (async () => {
      pings.stop();
      const s = sender();
      // Stop gramjs' connect loop after its current attempt, and its reconnects.
      if (s) {
        s._retries = 0;
        s._reconnectRetries = -1;
      }
      sockets.closeAll();
      await withTimeout(client.destroy(), 1000).catch(() => undefined);
      sockets.closeAll();
    })();
    return ended;
  };

  const address = () => {
    const dc = `${client.session.serverAddress ?? 'Telegram'}:${options.serverPort ?? 80}`;
    return proxy ? `${dc} through ${describeProxy(proxy)}` : dc;
  };

  return {
    client,
    async connect() {
      const attempt = client.connect().then(
        (ok) => (ok ? 'connected' : 'gave up'),
        (error: unknown) => {
          lastError = error;
          return 'gave up';
        },
      );
      const outcome = await withTimeout(attempt, timeoutMs).catch(() => 'timed out' as const);
      if (outcome === 'connected') {
        pings.start();
        return;
      }
      await shutdown();
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw unreachableError(
        `Could not reach Telegram at ${address()} within ${timeoutMs / 1000}s${why}`,
        { cause: lastError },
      );
    },
    gaveUp() {
      if (ended) return true;
      const s = sender();
      if (!s) return false;
      return (
        s.userDisconnected === true || (!s._userConnected && !s.isReconnecting && !s.isConnecting)
      );
    },
    shutdown,
    watchLink(listener) {
      const s = sender();
      if (!s) return;
      const updates = s._updateCallback;
      s._updateCallback = (owner, update) => {
        if (update instanceof UpdateConnectionState) {
          if (update.state === UpdateConnectionState.connected) listener(true);
          if (update.state === UpdateConnectionState.disconnected) listener(false);
        }
        return updates?.(owner, update);
      };
    },
  };
}

/**
 * gramjs' own socket class, with a registry: `closeAll()` destroys every socket the client
 * opened, including one still connecting (gramjs only closes sockets it finished opening, so
 * a connect to a silent address would otherwise hold the process until the OS gives up),
 * and one a SOCKS handshake completes after the end.
 */
function trackSockets(serverPort: number | undefined) {
  const open = new Set<PromisedNetSockets>();
  let closing = false;
  const destroy = (socket: PromisedNetSockets) => {
    open.delete(socket);
    const net = (socket as unknown as { client?: { destroy(): void } }).client;
    net?.destroy();
    socket.close().catch(() => undefined);
  };
  class Socket extends PromisedNetSockets {
    override async connect(port: number, ip: string): Promise<unknown> {
      if (closing) throw new Error('The Telegram client was shut down');
      open.add(this);
      const result = await super.connect(serverPort ?? port, ip);
      if (closing) {
        destroy(this);
        throw new Error('The Telegram client was shut down');
      }
      return result;
    }
    override async close(): Promise<void> {
      open.delete(this);
      await super.close();
    }
  }
  return {
    Socket,
    closeAll() {
      closing = true;
      for (const socket of [...open]) destroy(socket);
    },
  };
}
