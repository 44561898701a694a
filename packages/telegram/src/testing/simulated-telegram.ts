import { type ChatRef, type Clock, systemClock, type TgMessage } from '@tgfetch/core';
import { Api, TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { returnBigInt } from 'telegram/Helpers.js';
import { StringSession } from 'telegram/sessions/index.js';
import { markedId } from '../ids.js';
import { mapMessage } from '../map-message.js';
import { simulatedChannel, simulatedUser, USERS_PER_CHAT } from './build-message.js';
import {
  type ChatPlan,
  firstId,
  isDeleted,
  lastId,
  planChat,
  type SimulatedChatKind,
} from './chat-plan.js';
import { createDateIndex, type DateIndex } from './dates.js';
import { getDialogs } from './dialogs.js';
import { createFaultHook, type FaultHook, type FaultOptions, telegramError } from './faults.js';
import { fullChannel } from './full-channel.js';
import { queryHistory } from './history-query.js';
import { createLiveChats } from './live-chats.js';
import type { LiveChats, LiveDeps, SimulatedLive, SimulatedLiveOptions } from './live-types.js';
import { hash32, mulberry32 } from './prng.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';
import { pushThroughSender, updateSender } from './scripted-sender.js';
import { createSharedLive, SHARED_ANCHOR_MS } from './shared-live.js';
import {
  createSimulatedDiscussion,
  type SimulatedDiscussion,
  type SimulatedDiscussionOptions,
} from './simulated-discussion.js';
import { createThreadAnswers } from './simulated-threads.js';

/** Request names kept in `stats.calls` (see there). */
const KEPT_CALLS = 10_000;
export interface SimulatedTelegramOptions {
  /** Seed of every generated chat. @default 1 */
  seed?: number;
  /** Time for the rate limit and latency; a core `createVirtualClock()` makes waits instant. @default systemClock */
  clock?: Clock;
  /**
   * End of every chat's generated history, epoch ms. @default clock.now() at creation; with
   * a shared live history (`live.shared`), where it begins
   */
  now?: number;
  /** Days of history before `now`. @default 730 */
  historyDays?: number;
  /** Average messages per day (days vary widely; some are silent). @default 20 */
  messagesPerDay?: number;
  /** Token bucket over all requests; exceeded requests get real gramjs `FloodWaitError`s. @default no limit */
  rateLimit?: RateLimitOptions;
  /** Transient (or any) errors to inject. @default none */
  faults?: FaultOptions | FaultHook;
  /** Answer pages shorter than asked (a seeded 1..limit), as channels do. @default false */
  shortPages?: boolean;
  /** Largest page served. @default 100 */
  maxPageSize?: number;
  /** Delay of every answer, ms (slept on `clock`). @default 0 */
  latencyMs?: number;
  /** Broadcast channel or supergroup, per username. @default from the name's hash */
  chatKind?: (username: string) => SimulatedChatKind | undefined;
  /** Usernames that resolve to nothing (`USERNAME_NOT_OCCUPIED`). @default [] */
  missingUsernames?: string[];
  /** Usernames that resolve but refuse history (`CHANNEL_PRIVATE`). @default [] */
  privateChats?: string[];
  /** Usernames of the account's dialogs, answered by `messages.GetDialogs`. @default [] */
  dialogs?: string[];
  /** Make `account.InitTakeoutSession` answer `TAKEOUT_INIT_DELAY_<n>`. @default undefined */
  takeoutDelaySec?: number;
  /** How the chats change live (see `SimulatedTelegram.live`). @default its defaults */
  live?: SimulatedLiveOptions;
  /**
   * Which broadcast channels have a discussion group (`channels.getFullChannel`'s
   * `linked_chat_id`), and how it talks: their posts get threads, answered by
   * `messages.getReplies`, `messages.getDiscussionMessage` and the group's history.
   * @default none
   */
  discussions?: (username: string) => SimulatedDiscussionOptions | boolean | undefined;
}

/** One generated chat, for tests to compare what a source served with what exists. */
export interface SimulatedChat {
  /** Canonical chat ref: `@username`. */
  chat: ChatRef;
  username: string;
  kind: SimulatedChatKind;
  channelId: string;
  accessHash: string;
  /** The `-100…` id, for fetching by number. */
  markedId: string;
  /** Highest message id (deleted ids included). */
  lastId: number;
  /** History spans [startMs, endMs). */
  startMs: number;
  endMs: number;
  /** Message `id` as Telegram sends it, or undefined when deleted or out of range. */
  apiMessage(id: number): Api.Message | Api.MessageService | undefined;
  /** The messages dated in [from, to) (epoch ms), oldest first. */
  apiMessages(range?: { from?: number; to?: number }): (Api.Message | Api.MessageService)[];
  /** The same, mapped to the message JSON with the package's mapper. */
  messages(range?: { from?: number; to?: number }): TgMessage[];
  /** The discussion group of a broadcast channel that has one (`discussions`). */
  discussion?: SimulatedChatDiscussion;
}

/** A generated channel's discussion group, for tests to compare with what was read. */
export interface SimulatedChatDiscussion {
  /** The group's canonical chat (its marked `-100…` id). */
  chat: ChatRef;
  /** Its newest message id. */
  top: number;
  /** Comments of post `id`. */
  replies(id: number): number;
  /** The group ids of post `id`'s comments, ascending. */
  commentIds(id: number): number[];
  /** Messages of the group from post `id`'s copy to its newest, both included. */
  messagesFrom(id: number): number;
}

export interface SimulatedTelegramStats {
  /** Top-level requests received (a takeout-wrapped call counts once). */
  requests: number;
  getHistory: number;
  resolveUsername: number;
  floodWaits: number;
  faults: number;
  takeoutStarted: number;
  takeoutFinished: number;
  /** Requests that came wrapped in `InvokeWithTakeout`. */
  takeoutWrapped: number;
  /** `messages.GetReplies` requests (threads of discussion groups). */
  getReplies: number;
  /** `messages.GetHistory` requests of discussion groups (also counted in `getHistory`). */
  groupHistory: number;
  /**
   * Class names of the requests in order, e.g. `InvokeWithTakeout(messages.GetHistory)`:
   * the last 10,000 to 20,000 of them, so that a simulated daemon following many chats for
   * days does not keep every poll it ever made.
   */
  calls: string[];
}

export interface SimulatedTelegram {
  /** A real gramjs `TelegramClient` that never connects: its `invoke` is answered here. */
  client: TelegramClient;
  chat(name: string): SimulatedChat;
  readonly stats: SimulatedTelegramStats;
  resetStats(): void;
  /** End of the generated histories, epoch ms. */
  readonly now: number;
  /**
   * Posts, edits and deletions after `now`, pushed as updates through the client's sender
   * (as gramjs' own sender delivers them) and answered by `updates.getChannelDifference`;
   * history pages include them.
   */
  readonly live: SimulatedLive;
}

interface LiveChat {
  plan: ChatPlan;
  dates: DateIndex;
  /** Its discussion group, made on first use. */
  discussion?: SimulatedDiscussion | undefined;
  discussionOptions?: SimulatedDiscussionOptions | undefined;
}

/**
 * A simulated Telegram behind a real gramjs client. Any username resolves to a channel or
 * supergroup generated from the name and the seed, with history over `historyDays` up to
 * `now`: text with entities, media, albums, replies, forwards, edits, reactions, service
 * messages and deleted ids. Days are generated lazily, so a chat of a million messages is
 * cheap until read.
 */
export function createSimulatedTelegram(options: SimulatedTelegramOptions = {}): SimulatedTelegram {
  const clock = options.clock ?? systemClock;
  const shared = options.live?.shared;
  // A shared live history follows the generated one, which then ends where it begins.
  const anchorMs = shared ? (shared.anchorMs ?? options.now ?? SHARED_ANCHOR_MS) : undefined;
  const now = options.now ?? anchorMs ?? clock.now();
  const seed = options.seed ?? 1;
  const maxPage = options.maxPageSize ?? 100;
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit) : undefined;
  const fault = createFaultHook(options.faults);
  const missing = new Set((options.missingUsernames ?? []).map((n) => n.toLowerCase()));
  const privateChats = new Set(
    (options.privateChats ?? []).map((n) => n.replace(/^@/, '').toLowerCase()),
  );
  const chats = new Map<string, LiveChat>();
  const byChannelId = new Map<string, LiveChat>();
  /** Discussion groups by their channel id, to the channel they discuss. */
  const groups = new Map<string, LiveChat>();
  let takeoutId: string | undefined;
  const stats: SimulatedTelegramStats = emptyStats();
  const client = new TelegramClient(new StringSession(''), 1, 'simulated', {
    baseLogger: new Logger(LogLevel.NONE),
  });

  const live = (name: string): LiveChat => {
    const username = name.replace(/^@/, '').toLowerCase();
    let chat = chats.get(username);
    if (!chat) {
      const kind = options.chatKind?.(username);
      const plan = planChat(username, {
        seed,
        now,
        historyDays: options.historyDays ?? 730,
        messagesPerDay: options.messagesPerDay ?? 20,
        ...(kind ? { kind } : {}),
      });
      chat = { plan, dates: createDateIndex(plan) };
      const linked = plan.kind === 'channel' ? options.discussions?.(username) : undefined;
      if (linked) chat.discussionOptions = linked === true ? {} : linked;
      chats.set(username, chat);
      byChannelId.set(plan.channelId, chat);
      if (chat.discussionOptions) groups.set(discussionOf(chat)!.groupId, chat);
    }
    return chat;
  };

  const liveDeps: LiveDeps = {
    seed,
    clock,
    plan: (name) => live(name).plan,
    byChannelId: (id) => byChannelId.get(id)?.plan,
    push: (updates) => pushThroughSender(client, updates),
  };
  const liveChats: LiveChats =
    shared && anchorMs !== undefined
      ? createSharedLive({ ...options.live, shared }, { ...liveDeps, anchorMs })
      : createLiveChats(options.live ?? {}, liveDeps);

  const getHistory = (request: Api.messages.GetHistory): Api.messages.ChannelMessages => {
    stats.getHistory++;
    const { peer } = request;
    const chat =
      peer instanceof Api.InputPeerChannel
        ? (byChannelId.get(String(peer.channelId)) ?? groups.get(String(peer.channelId)))
        : undefined;
    if (
      !chat ||
      !(peer instanceof Api.InputPeerChannel) ||
      String(peer.accessHash) !== accessHashOf(chat, String(peer.channelId))
    ) {
      throw telegramError(
        peer instanceof Api.InputPeerChannel ? 'CHANNEL_INVALID' : 'PEER_ID_INVALID',
        request,
      );
    }
    if (privateChats.has(chat.plan.username)) throw telegramError('CHANNEL_PRIVATE', request);
    if (chat.discussion && String(peer.channelId) === chat.discussion.groupId) {
      return groupHistory(chat, chat.discussion, request);
    }
    const query = {
      offsetId: request.offsetId ?? 0,
      minId: request.minId ?? 0,
      maxId: request.maxId ?? 0,
    };
    const limit = Math.min(request.limit > 0 ? request.limit : maxPage, maxPage);
    // Live messages are the newest: a page from the top (no date, no shift) starts with them.
    const plain = (request.offsetDate ?? 0) === 0 && (request.addOffset ?? 0) === 0;
    const newest = plain ? liveChats.history(chat.plan, { ...query, limit }).slice(0, limit) : [];
    let ids = queryHistory(
      chat.plan,
      chat.dates,
      {
        offsetId: request.offsetId ?? 0,
        offsetDate: request.offsetDate ?? 0,
        addOffset: request.addOffset ?? 0,
        limit: limit - newest.length,
        maxId: request.maxId ?? 0,
        minId: request.minId ?? 0,
      },
      maxPage,
    );
    if (options.shortPages && ids.length > 1) {
      const random = mulberry32(hash32(seed, 'short', stats.getHistory));
      ids = ids.slice(0, 1 + Math.floor(random() * ids.length));
    }
    const messages = [...newest, ...(newest.length < limit ? ids.map((id) => post(chat, id)) : [])];
    const users = new Map<string, Api.User>();
    if (chat.plan.kind === 'supergroup') {
      for (let i = 0; i < USERS_PER_CHAT; i++) {
        const user = simulatedUser(chat.plan, i);
        if (
          messages.some((m) => m.fromId instanceof Api.PeerUser && m.fromId.userId.equals(user.id))
        ) {
          users.set(String(user.id), user);
        }
      }
    }
    return new Api.messages.ChannelMessages({
      pts: liveChats.pts(chat.plan.username),
      count: lastId(chat.plan),
      messages,
      topics: [],
      chats: [simulatedChannel(chat.plan)],
      users: [...users.values()],
    });
  };

  function discussionOf(chat: LiveChat): SimulatedDiscussion | undefined {
    if (!chat.discussionOptions) return undefined;
    chat.discussion ??= createSimulatedDiscussion(chat.plan, chat.dates, chat.discussionOptions);
    return chat.discussion;
  }

  function accessHashOf(chat: LiveChat, channelId: string): string {
    return chat.discussion && channelId === chat.discussion.groupId
      ? String(chat.discussion.group.accessHash)
      : chat.plan.accessHash;
  }

  const threads = createThreadAnswers({
    stats,
    maxPage,
    channel: (id) => byChannelId.get(id),
    discussionOf,
    pts: (chat) => liveChats.pts(chat.plan.username),
  });
  const { post, groupHistory, getReplies, getDiscussionMessage, getMessages } = threads;

  const dispatch = (request: Api.AnyRequest, wrapped: boolean): unknown => {
    if (request instanceof Api.messages.GetHistory) return getHistory(request);
    if (request instanceof Api.messages.GetDialogs)
      return getDialogs(request, (options.dialogs ?? []).map(live), maxPage);
    if (request instanceof Api.updates.GetChannelDifference) {
      return liveChats.getChannelDifference(request);
    }
    if (request instanceof Api.updates.GetState) return liveChats.getState();
    if (request instanceof Api.users.GetUsers) {
      // The account itself is the one user the simulation knows.
      return request.id.some((u) => u instanceof Api.InputUserSelf) ? [simulatedMe()] : [];
    }
    if (request instanceof Api.updates.GetDifference) return liveChats.getDifference(request);
    if (request instanceof Api.contacts.ResolveUsername) {
      stats.resolveUsername++;
      const username = (request.username ?? '').toLowerCase();
      if (missing.has(username)) throw telegramError('USERNAME_NOT_OCCUPIED', request);
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(username))
        throw telegramError('USERNAME_INVALID', request);
      const { plan } = live(username);
      return new Api.contacts.ResolvedPeer({
        peer: new Api.PeerChannel({ channelId: returnBigInt(plan.channelId) }),
        chats: [simulatedChannel(plan)],
        users: [],
      });
    }
    if (request instanceof Api.messages.GetDialogs) {
      // The simulated account is in no chat: its chats are reached by username only.
      return new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] });
    }
    if (request instanceof Api.channels.GetFullChannel) {
      const input = request.channel;
      const id = input instanceof Api.InputChannel ? String(input.channelId) : '';
      const chat = byChannelId.get(id);
      const discussed = groups.get(id);
      if (discussed?.discussion) {
        const { group } = discussed.discussion;
        return fullChannel(group, { linked: simulatedChannel(discussed.plan) });
      }
      if (!chat) throw telegramError('CHANNEL_INVALID', request);
      const linked = discussionOf(chat)?.group;
      return fullChannel(simulatedChannel(chat.plan), { linked });
    }
    if (request instanceof Api.messages.GetReplies) return getReplies(request);
    if (request instanceof Api.messages.GetDiscussionMessage) return getDiscussionMessage(request);
    if (request instanceof Api.channels.GetMessages) return getMessages(request);
    if (request instanceof Api.account.InitTakeoutSession) {
      if (options.takeoutDelaySec !== undefined) {
        throw telegramError(`TAKEOUT_INIT_DELAY_${options.takeoutDelaySec}`, request);
      }
      stats.takeoutStarted++;
      takeoutId = String(1000 + stats.takeoutStarted);
      return new Api.account.Takeout({ id: returnBigInt(takeoutId) });
    }
    if (request instanceof Api.InvokeWithTakeout) {
      if (takeoutId === undefined || String(request.takeoutId) !== takeoutId) {
        throw telegramError('TAKEOUT_INVALID', request);
      }
      stats.takeoutWrapped++;
      return dispatch(request.query as Api.AnyRequest, true);
    }
    if (request instanceof Api.account.FinishTakeoutSession) {
      if (!wrapped) throw telegramError('TAKEOUT_REQUIRED', request);
      stats.takeoutFinished++;
      takeoutId = undefined;
      return true;
    }
    throw telegramError('METHOD_NOT_SIMULATED', request);
  };

  const invoke = async (request: Api.AnyRequest): Promise<unknown> => {
    stats.requests++;
    stats.calls.push(describe(request));
    if (stats.calls.length > 2 * KEPT_CALLS) stats.calls.splice(0, KEPT_CALLS);
    const error = fault?.(innermost(request), stats.requests);
    if (error) {
      stats.faults++;
      throw error;
    }
    const wait = limiter?.take(clock.now());
    if (wait !== undefined) {
      stats.floodWaits++;
      throw telegramError(`FLOOD_WAIT_${wait}`, request);
    }
    if (options.latencyMs) await clock.sleep(options.latencyMs);
    return dispatch(request, false);
  };

  updateSender(client);
  client.invoke = invoke as TelegramClient['invoke'];
  client.connect = async () => true;
  client.disconnect = async () => undefined;
  client.destroy = async () => undefined;
  client.getMe = (async () => simulatedMe()) as TelegramClient['getMe'];

  return {
    client,
    stats,
    now,
    live: liveChats,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    chat: (name) => {
      const chat = live(name);
      return describeChat(chat, (id) => post(chat, id), discussionOf(chat));
    },
  };
}

function describeChat(
  { plan, dates }: LiveChat,
  build: (id: number) => Api.Message | Api.MessageService,
  discussion: SimulatedDiscussion | undefined,
): SimulatedChat {
  const apiMessage = (id: number) =>
    id >= firstId(plan) && id <= lastId(plan) && !isDeleted(plan, id) ? build(id) : undefined;
  const apiMessages = (range: { from?: number; to?: number } = {}) => {
    const first =
      range.from === undefined ? firstId(plan) : dates.idsBefore(Math.ceil(range.from / 1000));
    const end =
      range.to === undefined ? lastId(plan) + 1 : dates.idsBefore(Math.ceil(range.to / 1000));
    const out: (Api.Message | Api.MessageService)[] = [];
    for (let id = first; id < end; id++) {
      const message = apiMessage(id);
      if (message) out.push(message);
    }
    return out;
  };
  const chat = `@${plan.username}`;
  return {
    chat,
    username: plan.username,
    kind: plan.kind,
    channelId: plan.channelId,
    accessHash: plan.accessHash,
    markedId: markedId('channel', plan.channelId),
    lastId: lastId(plan),
    startMs: plan.startSec * 1000,
    endMs: plan.endSec * 1000,
    apiMessage,
    apiMessages,
    messages: (range) => apiMessages(range).flatMap((m) => mapMessage(m, chat) ?? []),
    ...(discussion ? { discussion: describeDiscussion(discussion) } : {}),
  };
}

function describeDiscussion(d: SimulatedDiscussion): SimulatedChatDiscussion {
  return {
    chat: markedId('channel', d.groupId),
    top: d.top,
    replies: (id) => d.replies(id),
    commentIds(id) {
      const copy = d.copyOf(id);
      if (copy === undefined) return [];
      return Array.from({ length: d.replies(id) }, (_, k) => copy + 1 + k);
    },
    messagesFrom(id) {
      const copy = d.copyOf(id);
      return copy === undefined ? 0 : d.top - copy + 1;
    },
  };
}

function innermost(request: Api.AnyRequest): Api.AnyRequest {
  return request instanceof Api.InvokeWithTakeout
    ? innermost(request.query as Api.AnyRequest)
    : request;
}

function describe(request: Api.AnyRequest): string {
  return request instanceof Api.InvokeWithTakeout
    ? `InvokeWithTakeout(${describe(request.query as Api.AnyRequest)})`
    : request.className;
}

function simulatedMe(): Api.User {
  return new Api.User({
    id: returnBigInt(777_000_001),
    self: true,
    firstName: 'Simulated',
    accessHash: returnBigInt(1),
  });
}

function emptyStats(): SimulatedTelegramStats {
  return {
    requests: 0,
    getHistory: 0,
    resolveUsername: 0,
    floodWaits: 0,
    faults: 0,
    takeoutStarted: 0,
    takeoutFinished: 0,
    takeoutWrapped: 0,
    getReplies: 0,
    groupHistory: 0,
    calls: [],
  };
}
