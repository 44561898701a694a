import {
  AbortError,
  type ChatRef,
  type Clock,
  type CommentsBatch,
  type CommentsRequest,
  type Discussion,
  FloodWaitError,
  type HistoryRequest,
  type MessageSource,
  type RateMemory,
  systemClock,
  type TgMessage,
  type TgPeer,
} from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { abortable } from './abortable.js';
import { createAccountPacer } from './account-pacer.js';
import { type CommentReadPlan, readComments } from './comments.js';
import { clientConnection, type TelegramConnection } from './connection.js';
import { findDiscussion, type LinkedGroup } from './discussion.js';
import { carriesEntities, type Invoke, rememberEntities } from './entities.js';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';
import { translateTelegramError } from './errors.js';
import { type HistoryPage, PAGE_SIZE, walkHistory } from './history.js';
import { toBigId } from './ids.js';
import { type Migration, migrationOf } from './migration.js';
import type { PacingOptions } from './pacer.js';
import {
  createAccountPeerCache,
  createFilePeerCache,
  createMemoryPeerCache,
  type PeerCache,
} from './peer-cache.js';
import { type ResolvedChat, resolveChat } from './resolve.js';
import { lendAccess } from './source-access.js';
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
  /**
   * Keep the peer cache in this folder, one JSON file per account (`<user id>.json`; the
   * account is asked once with `users.GetUsers`). Owned and flushed by the source.
   * @default undefined
   */
  peerCacheDir?: string;
  /** How long a resolved username, and a walk of the dialogs, is trusted. @default 24 h */
  peerTtlMs?: number;
  /** Fetch through a takeout session (`true` or which kinds of chat to export). @default false */
  takeout?: boolean | TakeoutOptions | undefined;
  onFloodWait?: (notice: FloodWaitNotice) => void;
  /** Told how each comments read goes about it: threads or a walk of the group, and both costs. */
  onCommentRead?: (notice: CommentReadPlan & { chat: ChatRef }) => void;
  /** Time for pacing and flood-wait deadlines. @default systemClock */
  clock?: Clock;
  /** Adaptive spacing after flood waits; `false` sends requests back to back. @default {} */
  pacing?: PacingOptions | false;
  /**
   * Where the account's learned request rate is kept (by its user id, asked once), so that
   * a restarted process paces at it from the first request. @default none (learned afresh)
   */
  rateMemory?: RateMemory | undefined;
  /** Told when `rateMemory` could not be read or written; pacing goes on without it. */
  onRateMemoryError?: ((error: unknown) => void) | undefined;
}

export interface TelegramSource extends MessageSource {
  /** The gramjs client requests go through now. */
  readonly client: TelegramClient;
  /**
   * Any request on the source's connection, for tools beside the fetch (`tgfetch chats`,
   * `resolve`): under the same connect and request deadlines, errors translated, the users
   * and chats of the answer remembered in the peer cache (so their numeric ids work later).
   */
  readonly invoke: Invoke;
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
  // One pacer for every chat of the account: they share its limit (see `createPacer`).
  const pacer =
    options.pacing === false
      ? undefined
      : createAccountPacer({
          clock,
          pacing: options.pacing,
          memory: options.rateMemory,
          account: () => selfId(),
          onMemoryError: options.onRateMemoryError,
        });
  const peers = new Map<ChatRef, Promise<ResolvedChat>>();
  const migrations = new Map<ChatRef, Promise<Migration | undefined>>();
  /** A channel's group as `discussion` found it, for the `comments` call that follows. */
  const links = new Map<ChatRef, LinkedGroup>();
  let closed = false;
  // A takeout that saw a fetch fail is finished with success=false.
  let failed = false;

  const raw: Invoke = (request) => connection.invoke(request);
  const takeout = options.takeout
    ? createTakeoutSession(raw, options.takeout === true ? {} : options.takeout)
    : undefined;
  const send: Invoke = takeout ? takeout.invoke : raw;
  /** The account's user id, asked once (`users.GetUsers` of self). */
  let self: Promise<string> | undefined;
  const selfId = () => {
    self ??= raw(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })).then(([me]) => {
      if (!(me instanceof Api.User)) throw tgError(TelegramErrorCode.ACCOUNT_UNKNOWN, 'No account');
      return String(me.id);
    });
    self.catch(() => {
      self = undefined;
    });
    return self;
  };
  const cache = openCache(options, selfId);

  /** One request: paced, abortable, its errors translated and flood waits reported. */
  const call = async <R extends Api.AnyRequest>(
    request: R,
    chat: ChatRef,
    signal: AbortSignal,
    via: Invoke = send,
  ): Promise<R['__response']> => {
    if (closed) throw tgError(TelegramErrorCode.SOURCE_CLOSED, 'The Telegram source is closed');
    const turn = await pacer?.turn(chat, signal);
    try {
      const result = await abortable(via(request), signal);
      turn?.accepted();
      return result;
    } catch (error) {
      if (error instanceof AbortError) {
        turn?.failed();
        throw error;
      }
      const translated = translateTelegramError(error, { chat });
      if (!(translated instanceof FloodWaitError)) turn?.failed();
      else {
        turn?.refused(translated.seconds);
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
      peer = resolveChat(chat, {
        invoke,
        cache,
        client: connection.client,
        clock,
        ...(options.peerTtlMs === undefined ? {} : { ttlMs: options.peerTtlMs }),
      });
      peers.set(chat, peer);
      peer.catch(() => peers.delete(chat));
    }
    return abortable(peer, signal);
  };

  /** The basic group a supergroup was upgraded from, asked once per chat. */
  const migrationFor = (resolved: ResolvedChat, signal: AbortSignal) => {
    if (!resolved.megagroup || !(resolved.input instanceof Api.InputPeerChannel)) {
      return Promise.resolve(undefined);
    }
    let migration = migrations.get(resolved.ref);
    if (!migration) {
      const invoke: Invoke = (request) => call(request, resolved.ref, signal);
      migration = migrationOf(resolved.input, invoke);
      migrations.set(resolved.ref, migration);
      migration.catch(() => migrations.delete(resolved.ref));
    }
    return abortable(migration, signal);
  };

  /** One peer's history in the request's range: the chat's own, or its old group's. */
  const walkPeer = (
    request: HistoryRequest,
    input: Api.TypeInputPeer,
    context: { peer?: TgPeer; forum: boolean; maxId?: number; self?: TgPeer },
    signal: AbortSignal,
  ) =>
    walkHistory(request, {
      signal,
      context: (page: HistoryPage) => ({
        ...(context.peer ? { peer: context.peer } : {}),
        ...(context.self ? { self: context.self } : {}),
        forum: context.forum || isForum(page, input),
      }),
      page: async ({ offsetId, offsetDate }) => {
        const page = await call(
          new Api.messages.GetHistory({
            peer: input,
            offsetId,
            offsetDate,
            addOffset: 0,
            limit: PAGE_SIZE,
            // The old group's history ends at the migration (ids below max_id).
            maxId: context.maxId === undefined ? 0 : context.maxId + 1,
            minId: 0,
          }),
          request.chat,
          signal,
        );
        if ('users' in page) await rememberEntities(cache, page);
        return page;
      },
    });

  const invoke: Invoke = async (request) => {
    if (closed) throw tgError(TelegramErrorCode.SOURCE_CLOSED, 'The Telegram source is closed');
    const result = await raw(request).catch((error: unknown) => {
      throw translateTelegramError(error);
    });
    if (carriesEntities(result)) await rememberEntities(cache, result);
    return result;
  };

  const source: TelegramSource = {
    get client() {
      return connection.client;
    },
    invoke,
    async resolveChat(chat: ChatRef, signal: AbortSignal): Promise<ChatRef> {
      if (signal.aborted) throw new AbortError();
      const resolved = await peerOf(chat, signal);
      peers.set(resolved.ref, Promise.resolve(resolved));
      return resolved.ref;
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
    async discussion(chat: ChatRef, signal: AbortSignal): Promise<Discussion> {
      if (signal.aborted) throw new AbortError();
      const resolved = await peerOf(chat, signal);
      const found = await findDiscussion(
        resolved,
        (request) => call(request, resolved.ref, signal),
        cache,
      );
      if (found.status !== 'linked') {
        links.delete(resolved.ref);
        return found;
      }
      links.set(resolved.ref, found.link);
      return { status: 'linked', chat: found.chat };
    },
    async *comments(request: CommentsRequest, signal: AbortSignal): AsyncGenerator<CommentsBatch> {
      if (signal.aborted) throw new AbortError();
      try {
        const resolved = await peerOf(request.chat, signal);
        const invoke: Invoke = (r) => call(r, resolved.ref, signal);
        // The group's top as `discussion` just saw it bounds a walk; a link found for an
        // earlier read is not used twice, so a later read walks up to a later top.
        let link = links.get(resolved.ref);
        links.delete(resolved.ref);
        if (!link) {
          const found = await findDiscussion(resolved, invoke, cache);
          if (found.status !== 'linked') return;
          link = found.link;
        }
        const { onCommentRead } = options;
        yield* readComments(link, request.posts, {
          invoke,
          cache,
          signal,
          ...(onCommentRead
            ? { onPlan: (plan) => onCommentRead({ ...plan, chat: resolved.ref }) }
            : {}),
        });
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
  // Following asks for updates, which a takeout session does not serve: never through it.
  lendAccess(source, {
    connection,
    clock,
    call: (request, chat, signal) => call(request, chat, signal, raw),
    peer: peerOf,
    selfId,
  });
  return source;

  /** The chat's own history in the range, then (for an upgraded group) its old group's. */
  async function* walk(request: HistoryRequest, signal: AbortSignal): AsyncGenerator<TgMessage> {
    const resolved = await peerOf(request.chat, signal);
    const migration = await migrationFor(resolved, signal);
    const oldPeer: TgPeer | undefined = migration && {
      kind: 'chat',
      id: toBigId(migration.chatId),
    };
    const resumingOld =
      oldPeer !== undefined &&
      request.beforePeer?.kind === 'chat' &&
      String(request.beforePeer.id) === String(oldPeer.id);
    let yielded = 0;
    let passed = false;
    if (!resumingOld) {
      // In a private chat Telegram names no sender of the account's own messages.
      const self: TgPeer | undefined =
        resolved.input instanceof Api.InputPeerUser
          ? { kind: 'user', id: toBigId(await abortable(selfId(), signal)) }
          : undefined;
      const own = walkPeer(
        request,
        resolved.input,
        { forum: resolved.forum, ...(self ? { self } : {}) },
        signal,
      );
      for (;;) {
        const next = await own.next();
        if (next.done) {
          passed = next.value;
          break;
        }
        yielded++;
        yield next.value;
      }
    }
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    if (!migration || !oldPeer || passed || yielded >= limit) return;
    // The chat's own history ended inside the range: the rest is in the old group.
    const { beforeId: _b, beforePeer: _p, ...rest } = request;
    const older: HistoryRequest = {
      ...rest,
      ...(resumingOld && request.beforeId !== undefined ? { beforeId: request.beforeId } : {}),
      ...(Number.isFinite(limit) ? { limit: limit - yielded } : {}),
    };
    yield* walkPeer(
      older,
      new Api.InputPeerChat({ chatId: migration.chatId }),
      { peer: oldPeer, forum: false, maxId: migration.maxId },
      signal,
    );
  }
}

function openCache(options: TelegramSourceOptions, account: () => Promise<string>): PeerCache {
  if (options.peerCache) return options.peerCache;
  if (options.peerCacheFile) return createFilePeerCache({ file: options.peerCacheFile });
  if (options.peerCacheDir) return createAccountPeerCache({ dir: options.peerCacheDir, account });
  return createMemoryPeerCache();
}

/** Whether the walked chat is a forum, as the page's copy of it says. */
function isForum(page: HistoryPage, input: Api.TypeInputPeer): boolean {
  if (!('chats' in page) || !(input instanceof Api.InputPeerChannel)) return false;
  return page.chats.some(
    (c) => c instanceof Api.Channel && c.id.equals(input.channelId) && c.forum === true,
  );
}
