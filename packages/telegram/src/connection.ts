import { TgfetchError } from '@tgfetch/core';
import type { Api, TelegramClient } from 'telegram';
import { createOwnedClient, type OwnedClient, type TelegramClientOptions } from './client.js';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';

/** How requests reach Telegram: each with a deadline, through a client kept alive. */
export interface TelegramConnection {
  /** The client requests go through now (a fresh one after the last gave up). */
  readonly client: TelegramClient;
  /** Sends `request`; past `requestTimeoutMs` it fails as a retryable `TIMEOUT`. */
  invoke<R extends Api.AnyRequest>(request: R): Promise<R['__response']>;
  /** Releases what the connection owns (nothing, for a client given by the caller). */
  close(): Promise<void>;
}

/**
 * Where a connection stands: `connected` is the one state a request goes through at once.
 * `disconnected` before the first request and after a client was given up (the next request
 * connects a fresh one); `connecting` while a client connects; `reconnecting` while gramjs
 * reconnects a client that lost its link; `closed` for good.
 */
export type TelegramConnectionState =
  | 'disconnected'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'closed';

export interface TelegramConnectionOptions extends TelegramClientOptions {
  /** How long one request may take before it fails as a retryable `TIMEOUT`. @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** Told each time the connection's state changes (it starts `disconnected`). @default none */
  onConnectionState?: ((state: TelegramConnectionState) => void) | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A connection that owns its gramjs client: connected on first use within the connect
 * deadline, every request under the request deadline. gramjs 2.26 never reads its own
 * request timeout, and once its sender has spent its reconnection attempts it stays dead
 * (requests queue forever, reconnects do nothing); so a client whose sender gave up, or
 * that let a request pass its deadline, is shut down and the next request builds a fresh
 * one from the same session.
 */
export function createTelegramConnection(
  options: TelegramConnectionOptions,
  /** Builds each client (tests put a scripted sender under it). */
  build: (options: TelegramClientOptions) => OwnedClient = createOwnedClient,
): TelegramConnection {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let owned: OwnedClient = build(options);
  let connected: Promise<OwnedClient> | undefined;
  let closed = false;
  let state: TelegramConnectionState = 'disconnected';
  /** The client whose link changes count (none while it is being given up). */
  let linked: OwnedClient | undefined;
  const report = (next: TelegramConnectionState) => {
    if (next === state || state === 'closed') return;
    state = next;
    options.onConnectionState?.(next);
  };

  const replace = (stale: OwnedClient) => {
    if (owned !== stale) return;
    linked = undefined;
    void stale.shutdown();
    owned = build(options);
    connected = undefined;
    report('disconnected');
  };

  const ready = (): Promise<OwnedClient> => {
    if (closed) return Promise.reject(closedError());
    if (connected && owned.gaveUp()) replace(owned);
    const current = owned;
    if (!connected) report('connecting');
    connected ??= current.connect().then(
      () => {
        if (owned === current && !closed) {
          linked = current;
          current.watchLink((up) => {
            if (linked === current) report(up ? 'connected' : 'reconnecting');
          });
          report('connected');
        }
        return current;
      },
      (error: unknown) => {
        // The next request tries again with a fresh client (this one is shut down).
        replace(current);
        throw error;
      },
    );
    return connected;
  };

  return {
    get client() {
      return owned.client;
    },
    async invoke(request) {
      const current = await ready();
      try {
        return await invokeWithin(current.client, request, requestTimeoutMs);
      } catch (error) {
        if (isRequestTimeout(error) || current.gaveUp()) replace(current);
        throw error;
      }
    },
    async close() {
      closed = true;
      linked = undefined;
      report('closed');
      await owned.shutdown();
    },
  };
}

/** A connection over a client the caller owns: request deadlines only, never replaced. */
export function clientConnection(
  client: TelegramClient,
  options: { requestTimeoutMs?: number | undefined } = {},
): TelegramConnection {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    client,
    invoke: (request) => invokeWithin(client, request, requestTimeoutMs),
    close: async () => {},
  };
}

/** `client.invoke(request)` under a deadline; gramjs keeps no timer of its own for it. */
export function invokeWithin<R extends Api.AnyRequest>(
  client: TelegramClient,
  request: R,
  timeoutMs: number,
): Promise<R['__response']> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = client.invoke(request);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.catch(() => undefined);
      reject(
        tgError(
          TelegramErrorCode.TIMEOUT,
          `Telegram did not answer ${request.className} within ${timeoutMs / 1000}s`,
        ),
      );
    }, timeoutMs);
    // The request's socket keeps the process alive while it is in flight; this timer alone
    // must not (a request abandoned on a client that was shut down never settles).
    timer.unref?.();
  });
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

function isRequestTimeout(error: unknown): boolean {
  return error instanceof TgfetchError && error.code === TelegramErrorCode.TIMEOUT;
}

function closedError() {
  return tgError(TelegramErrorCode.SOURCE_CLOSED, 'The Telegram connection is closed');
}
