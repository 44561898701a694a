import { AbortError, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { mapMessage } from '../map-message.js';
import { simulatedChannel } from './build-message.js';
import { type ChatPlan, lastId } from './chat-plan.js';
import { readDialog } from './dialogs.js';
import { telegramError } from './faults.js';
import { channelPeer, liveMessage, usersOf } from './live-message.js';
import type { LiveChats, LiveDeps, SimulatedLiveOptions } from './live-types.js';
import { hash32, mulberry32 } from './prng.js';

export type {
  LiveChats,
  LiveHistoryQuery,
  SharedLiveOptions,
  SimulatedLive,
  SimulatedLiveOptions,
} from './live-types.js';

/** One live change of a channel, at its pts. */
interface LiveEvent {
  pts: number;
  update:
    | Api.UpdateNewChannelMessage
    | Api.UpdateEditChannelMessage
    | Api.UpdateDeleteChannelMessages;
}

interface LiveChannel {
  plan: ChatPlan;
  events: LiveEvent[];
  /** Live messages as they are now (deleted ones removed). */
  messages: Map<number, Api.Message>;
  nextId: number;
  pts: number;
}

/**
 * The live side of the simulated Telegram: channels get posts, edits and deletions, each
 * at the channel's next pts, pushed as `updates` through the client's sender (some dropped
 * when asked) and answered again by `updates.getChannelDifference`. The account's own box
 * (private chats, basic groups) has no simulated chats: its difference is always empty.
 * Edits and deletions touch live messages only, so a channel's truth is its live messages.
 */
export function createLiveChats(options: SimulatedLiveOptions, deps: LiveDeps): LiveChats {
  const random = mulberry32(hash32(deps.seed, 'live'));
  const dropRandom = mulberry32(hash32(deps.seed, 'drop'));
  const channels = new Map<string, LiveChannel>();
  const silent = new Set((options.silentChats ?? []).map(username));
  const tooLongAfter = options.tooLongAfter ?? 500;
  const timeout = options.timeoutSec ?? 30;
  let running: AbortController | undefined;
  const active = new Set<string>();
  let pushed = 0;
  let dropped = 0;

  const channelOf = (plan: ChatPlan): LiveChannel => {
    let live = channels.get(plan.channelId);
    if (!live) {
      live = { plan, events: [], messages: new Map(), nextId: lastId(plan) + 1, pts: 1 };
      channels.set(plan.channelId, live);
    }
    return live;
  };
  const live = (chat: string) => channelOf(deps.plan(chat));
  const peer = channelPeer;
  /** When each live message was posted (channel id → message id → epoch ms). */
  const postedAt = new Map<string, Map<number, number>>();
  /** While a timeline event is made: its time, which its message dates and edits carry. */
  let eventAt: number | undefined;
  /** While past timeline events are replayed: record them, push none. */
  let replaying = false;
  const nowSec = () => Math.floor((eventAt ?? deps.clock.now()) / 1000);

  const record = (channel: LiveChannel, update: LiveEvent['update']) => {
    channel.events.push({ pts: channel.pts, update });
    // Drawn for every event, pushed or not, so the drops do not depend on when a process began.
    const drop = dropRandom() < (options.dropRatio ?? 0);
    if (replaying || silent.has(channel.plan.username)) return;
    if (drop) {
      dropped++;
      return;
    }
    pushed++;
    deps.push(
      new Api.Updates({
        updates: [update],
        users: usersOf(channel.plan),
        chats: [simulatedChannel(channel.plan)],
        date: nowSec(),
        seq: 0,
      }),
    );
  };

  const message = (channel: LiveChannel, id: number, text: string, editDate?: number) =>
    liveMessage(channel.plan, id, text, channel.messages.get(id)?.date ?? nowSec(), editDate);

  const post = (chat: string): number => {
    const channel = live(chat);
    const id = channel.nextId++;
    const posted = message(channel, id, `live message ${id}`);
    channel.messages.set(id, posted);
    const times = postedAt.get(channel.plan.channelId) ?? new Map<number, number>();
    postedAt.set(channel.plan.channelId, times);
    times.set(id, eventAt ?? deps.clock.now());
    channel.pts += 1;
    record(
      channel,
      new Api.UpdateNewChannelMessage({ message: posted, pts: channel.pts, ptsCount: 1 }),
    );
    return id;
  };

  const edit = (chat: string, id?: number): boolean => {
    const channel = live(chat);
    const target = id ?? [...channel.messages.keys()].at(-1);
    const old = target === undefined ? undefined : channel.messages.get(target);
    if (!old) return false;
    const editDate = Math.max(nowSec(), (old.editDate ?? old.date) + 1);
    const edited = message(channel, old.id, `${old.message} (edited ${editDate})`, editDate);
    channel.messages.set(old.id, edited);
    channel.pts += 1;
    record(
      channel,
      new Api.UpdateEditChannelMessage({ message: edited, pts: channel.pts, ptsCount: 1 }),
    );
    return true;
  };

  const remove = (chat: string, ids?: number[]): boolean => {
    const channel = live(chat);
    const gone = (ids ?? [...channel.messages.keys()].slice(0, 1)).filter((id) =>
      channel.messages.has(id),
    );
    if (gone.length === 0) return false;
    for (const id of gone) channel.messages.delete(id);
    channel.pts += gone.length;
    record(
      channel,
      new Api.UpdateDeleteChannelMessages({
        channelId: returnBigInt(channel.plan.channelId),
        messages: gone,
        pts: channel.pts,
        ptsCount: gone.length,
      }),
    );
    return true;
  };

  const step = (chats: readonly string[]) => {
    const chat = chats[Math.floor(random() * chats.length)];
    if (chat === undefined) return;
    const roll = random();
    const editShare = options.editShare ?? 0.2;
    const deleteShare = options.deleteShare ?? 0.1;
    if (roll < editShare && edit(chat)) return;
    if (roll >= editShare && roll < editShare + deleteShare && remove(chat)) return;
    post(chat);
  };

  function start(chats: readonly string[], signal?: AbortSignal) {
    for (const chat of chats) active.add(chat);
    if (running && !running.signal.aborted) return;
    const stop = new AbortController();
    running = stop;
    const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const interval = 1000 / (options.eventsPerSecond ?? 1);
    void (async () => {
      for (;;) {
        await deps.clock.sleep(interval, both);
        step([...active]);
        // A virtual clock's sleep takes no time: let the follower run between events.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })().catch((error: unknown) => {
      if (!(error instanceof AbortError)) throw error;
    });
  }

  const timeline = options.timeline;
  if (timeline) {
    const interval = 1000 / (options.eventsPerSecond ?? 1);
    const until = timeline.untilMs ?? Number.POSITIVE_INFINITY;
    let made = 0;
    /** Makes every event due by now (up to `until`), in order. */
    const catchUp = () => {
      const due = Math.floor((Math.min(deps.clock.now(), until) - timeline.epochMs) / interval);
      while (made < due) {
        made += 1;
        eventAt = timeline.epochMs + made * interval;
        try {
          step(timeline.chats);
        } finally {
          eventAt = undefined;
        }
      }
    };
    replaying = true;
    catchUp();
    replaying = false;
    const stop = new AbortController();
    running = stop;
    void (async () => {
      for (;;) {
        const next = timeline.epochMs + (made + 1) * interval;
        if (next > until) return;
        await deps.clock.sleep(Math.max(0, next - deps.clock.now()), stop.signal);
        catchUp();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })().catch((error: unknown) => {
      if (!(error instanceof AbortError)) throw error;
    });
  }

  const channelFor = (input: Api.TypeInputChannel, request: Api.AnyRequest): LiveChannel => {
    const plan =
      input instanceof Api.InputChannel ? deps.byChannelId(String(input.channelId)) : undefined;
    if (
      !plan ||
      !(input instanceof Api.InputChannel) ||
      String(input.accessHash) !== plan.accessHash
    ) {
      throw telegramError('CHANNEL_INVALID', request);
    }
    return channelOf(plan);
  };

  return {
    post,
    edit,
    remove,
    step,
    start,
    stop() {
      running?.abort();
      running = undefined;
      active.clear();
    },
    pts: (chat) => live(chat).pts,
    truth(chat, sinceMs) {
      const channel = live(chat);
      const ref = `@${channel.plan.username}`;
      const times = postedAt.get(channel.plan.channelId);
      const out = new Map<number, TgMessage>();
      for (const [id, m] of channel.messages) {
        if (sinceMs !== undefined && (times?.get(id) ?? 0) < sinceMs) continue;
        const mapped = mapMessage(m, ref);
        if (mapped) out.set(id, mapped);
      }
      return out;
    },
    posted(chat, sinceMs) {
      const channel = live(chat);
      const first = lastId(channel.plan) + 1;
      const times = postedAt.get(channel.plan.channelId);
      return Array.from({ length: channel.nextId - first }, (_, i) => first + i).filter(
        (id) => sinceMs === undefined || (times?.get(id) ?? 0) >= sinceMs,
      );
    },
    postedAt: (chat, id) => postedAt.get(live(chat).plan.channelId)?.get(id),
    get pushed() {
      return pushed;
    },
    get dropped() {
      return dropped;
    },
    history(plan, query) {
      // A follower's first request is a page of history (where the channel stands).
      if (options.startWhenFollowed) start([`@${plan.username}`]);
      const channel = channels.get(plan.channelId);
      if (!channel) return [];
      const upper = Math.min(
        query.offsetId > 0 ? query.offsetId : Number.MAX_SAFE_INTEGER,
        query.maxId > 0 ? query.maxId : Number.MAX_SAFE_INTEGER,
      );
      return [...channel.messages.values()]
        .filter((m) => m.id < upper && m.id > query.minId)
        .reverse();
    },
    getChannelDifference(request) {
      const channel = channelFor(request.channel as Api.TypeInputChannel, request);
      const { plan } = channel;
      if (options.startWhenFollowed) start([`@${plan.username}`]);
      const chats = [simulatedChannel(plan)];
      if (request.pts >= channel.pts) {
        return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: channel.pts, timeout });
      }
      if (channel.pts - request.pts > tooLongAfter) {
        const top = [...channel.messages.values()].slice(-10).reverse();
        return new Api.updates.ChannelDifferenceTooLong({
          final: true,
          timeout,
          dialog: readDialog(peer(plan), top[0]?.id ?? lastId(plan), channel.pts),
          messages: top,
          chats,
          users: usersOf(plan),
        });
      }
      const limit = Math.max(1, Math.min(request.limit, 100));
      const events = channel.events.filter((e) => e.pts > request.pts).slice(0, limit);
      const last = events.at(-1)!;
      const newMessages: Api.TypeMessage[] = [];
      const otherUpdates: Api.TypeUpdate[] = [];
      for (const { update } of events) {
        if (update instanceof Api.UpdateNewChannelMessage) newMessages.push(update.message);
        else otherUpdates.push(update);
      }
      return new Api.updates.ChannelDifference({
        final: last.pts === channel.pts,
        pts: last.pts,
        timeout,
        newMessages,
        otherUpdates,
        chats,
        users: usersOf(plan),
      });
    },
    getState: () =>
      new Api.updates.State({ pts: 1, qts: 0, date: nowSec(), seq: 0, unreadCount: 0 }),
    getDifference: () => new Api.updates.DifferenceEmpty({ date: nowSec(), seq: 0 }),
  };
}

function username(name: string): string {
  return name.replace(/^@/, '').toLowerCase();
}
