import {
  AbortError,
  type ChatRef,
  type Clock,
  FloodWaitError,
  type HistoryRequest,
  type MessageSource,
  systemClock,
  TgfetchError,
  type TgMessage,
} from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { clientConnection, type TelegramConnection } from './connection.js';
import { translateTelegramError } from './errors.js';
import { PAGE_SIZE, walkHistory } from './history.js';
import { createPacer, type PacingOptions } from './pacer.js';
import { createFilePeerCache, createMemoryPeerCache, type PeerCache } from './peer-cache.js';
import { type Invoke, rememberEntities, resolveChat } from './resolve.js';
import { createTakeoutSession, type TakeoutOptions } from './takeout.js';

/** Told whenever Telegram answers with a flood wait, before the error reaches the engine. */
export interface FloodWaitNotice {
  chat: ChatRef;
  seconds: number;
  /** Epoch ms when Telegram will accept requests again. */
  until: number;
  /** The TL request that was refused, e.g. `messages.GetHistory`. */
  request: string;
}

export interface TelegramSourceOptions {
  /**
   * A gramjs client the caller owns and connects; the source sets its `floodSleepThreshold`
   * to 0. Give this or `connection`.
   */
  client?: TelegramClient;
  /** How requests reach Telegram instead (e.g. `createTelegramConnection`, which the source then closes). */
  connection?: TelegramConnection;
  /** How long one request to the caller's `client` may take before it fails as a retryable `TIMEOUT`. @default 30000 */
  requestTimeoutMs?: number;
  /** Where access hashes of resolved chats are remembered (not closed by the source). @default an in-memory cache */
  peerCache?: PeerCache;
  /** Keep the peer cache in this JSON file instead (owned and flushed by the source). @default undefined */
  peerCacheFile?: string;
  /** Fetch through a takeout session (`true` or which kinds of chat to export). @default false */
  takeout?: boolean | TakeoutOptions | undefined;
  onFloodWait?: (notice: FloodWaitNotice) => void;
  /** Time for pacing and flood-wait deadlines. @default systemClock */
  clock?: Clock;
  /** Adaptive spacing after flood waits; `false` sends requests back to back. @default {} */
  pacing?: PacingOptions | false;
}

export interface TelegramSource extends MessageSource {
  /** The gramjs client requests go through now. */
  readonly client: TelegramClient;
  /**
   * Finishes a takeout session (`success` false if a fetch failed), flushes an owned peer
   * cache, closes an owned connection.
   */
  close(): Promise<void>;
}

/**
 * A `MessageSource` over a gramjs client. It pages `messages.GetHistory` itself (see
 * `walkHistory`), translates gramjs errors into core's, and leaves waiting to the engine:
 * gramjs' own flood sleeping is switched off so every flood wait reaches the retry policy.
 */
export function createTelegramSource(options: TelegramSourceOptions): TelegramSource {
  const connection =
    options.connection ??
    (options.client
      ? clientConnection(options.client, { requestTimeoutMs: options.requestTimeoutMs })
      : undefined);
  if (!connection) throw new TypeError('createTelegramSource needs a client or a connection');
  connection.client.floodSleepThreshold = 0;
  const clock = options.clock ?? systemClock;
  const cache =
    options.peerCache ??
    (options.peerCacheFile
      ? createFilePeerCache({ file: options.peerCacheFile })
      : createMemoryPeerCache());
  const pacer = options.pacing === false ? undefined : createPacer(clock, options.pacing);
  const peers = new Map<ChatRef, Promise<Api.TypeInputPeer>>();
  let closed = false;
  // A takeout that saw a fetch fail is finished with success=false.
  let failed = false;

  const raw: Invoke = (request) => connection.invoke(request);
  const takeout = options.takeout
    ? createTakeoutSession(raw, options.takeout === true ? {} : options.takeout)
    : undefined;
  const send: Invoke = takeout ? takeout.invoke : raw;

  /** One request: paced, abortable, its errors translated and flood waits reported. */
  const call = async <R extends Api.AnyRequest>(
    request: R,
    chat: ChatRef,
    signal: AbortSignal,
  ): Promise<R['__response']> => {
    if (closed) throw new TgfetchError('SOURCE_CLOSED', 'The Telegram source is closed');
    await pacer?.wait(signal);
    try {
      const result = await abortable(send(request), signal);
      pacer?.accepted();
      return result;
    } catch (error) {
      if (error instanceof AbortError) throw error;
      const translated = translateTelegramError(error, { chat });
      if (translated instanceof FloodWaitError) {
        pacer?.floodWait();
        options.onFloodWait?.({
          chat,
          seconds: translated.seconds,
          until: clock.now() + translated.seconds * 1000,
          request: request.className,
        });
      }
      throw translated;
    }
  };

  const peerOf = (chat: ChatRef, signal: AbortSignal) => {
    let peer = peers.get(chat);
    if (!peer) {
      const invoke: Invoke = (request) => call(request, chat, signal);
      peer = resolveChat(chat, { invoke, cache, client: connection.client });
      peers.set(chat, peer);
      peer.catch(() => peers.delete(chat));
    }
    return peer;
  };

  return {
    get client() {
      return connection.client;
    },
    async *messages(request: HistoryRequest, signal: AbortSignal): AsyncGenerator<TgMessage> {
      if (signal.aborted) throw new AbortError();
      try {
        yield* walk(request, signal);
      } catch (error) {
        failed = true;
        throw error;
      }
    },
    async close() {
      if (closed) return;
      try {
        await takeout?.finish(!failed).catch(() => undefined);
        if (!options.peerCache) await cache.close?.();
      } finally {
        closed = true;
        if (options.connection) await options.connection.close();
      }
    },
  };

  async function* walk(request: HistoryRequest, signal: AbortSignal): AsyncGenerator<TgMessage> {
    const peer = await abortable(peerOf(request.chat, signal), signal);
    yield* walkHistory(request, {
      signal,
      page: async ({ offsetId, offsetDate }) => {
        const page = await call(
          new Api.messages.GetHistory({
            peer,
            offsetId,
            offsetDate,
            addOffset: 0,
            limit: PAGE_SIZE,
            maxId: 0,
            minId: 0,
          }),
          request.chat,
          signal,
        );
        if ('users' in page) await rememberEntities(cache, page);
        return page;
      },
    });
  }
}

/** Settles with `promise`, or rejects with `AbortError` as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new AbortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
