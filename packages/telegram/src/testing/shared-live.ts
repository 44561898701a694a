import { AbortError, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { mapMessage } from '../map-message.js';
import { simulatedChannel } from './build-message.js';
import { type ChatPlan, lastId } from './chat-plan.js';
import { readDialog } from './dialogs.js';
import { telegramError } from './faults.js';
import { channelPeer, liveMessage, usersOf } from './live-message.js';
import type { LiveChats, LiveDeps, SharedLiveOptions, SimulatedLiveOptions } from './live-types.js';
import { hash32, mulberry32 } from './prng.js';

/** Where a shared live history begins unless told: before any run of it, for every process. */
export const SHARED_ANCHOR_MS = Date.UTC(2026, 0, 1);

/** Slots of a block: a block's posts, edits and deletions come in a seeded order within it. */
const BLOCK = 10;
/** Block layouts kept per chat: a follower reads a few recent blocks over and over. */
const KEPT_LAYOUTS = 64;

type SlotKind = 'post' | 'edit' | 'delete';

/** One block of a chat: the kind of each slot, and what each post, edit and deletion is. */
interface Layout {
  kinds: SlotKind[];
  /** Slot of post j (its ordinal among the block's posts). */
  postSlot: number[];
  /** Post j of the block before that the edit at each edit slot targets, by slot. */
  editTarget: Map<number, number>;
  /** Slot of the edit (in the next block) of post j of the block before, by j. */
  editedIn: Map<number, number>;
  /** Ordinal d of the deletion at each delete slot, by slot; its ids are posts j ≡ d (mod deletes). */
  deleteOrdinal: Map<number, number>;
  /** Slot of deletion d. */
  deleteSlot: number[];
}

/** A channel whose history or difference was asked: pushed for from then on. */
interface Watched {
  plan: ChatPlan;
  /** The last slot pushed (or passed over: before it was watched). */
  pushedUpTo: number;
}

/**
 * A live history that is a function of the wall clock and the seed alone (see
 * `SimulatedLiveOptions.shared`): every process computes the same posts, edits and
 * deletions of a chat at the same moment, in O(1) per slot, without replaying the past.
 *
 * Time from the anchor is cut into slots of `1 / eventsPerSecond` and slots into blocks of
 * ten; every block of a chat holds the same numbers of posts, edits and deletions
 * (`editShare`, `deleteShare`), in an order seeded by the chat and the block. The edits of
 * a block edit posts of the block before (each at most once), its deletions remove the
 * posts of the block `autoDeleteSec` ago (the auto-delete timer), so pts and ids are sums
 * of whole blocks and any message's life is known from its block alone.
 */
export function createSharedLive(
  options: SimulatedLiveOptions & { shared: SharedLiveOptions },
  deps: LiveDeps & { anchorMs: number },
): LiveChats {
  const slotMs = 1000 / (options.eventsPerSecond ?? 1);
  const deletes = clamp(Math.round(BLOCK * (options.deleteShare ?? 0.1)), 0, BLOCK - 1);
  // Each edit of a block edits a post of the block before, no post twice: edits ≤ posts.
  const edits = clamp(
    Math.round(BLOCK * (options.editShare ?? 0.2)),
    0,
    Math.floor((BLOCK - deletes) / 2),
  );
  const posts = BLOCK - edits - deletes;
  const autoDeleteMs = (options.shared.autoDeleteSec ?? 300) * 1000;
  // A post lives `keep` blocks: at least two, so that its edit (in the next block) comes first.
  const keep =
    deletes > 0 && autoDeleteMs > 0
      ? Math.max(2, Math.ceil(autoDeleteMs / (BLOCK * slotMs)))
      : Number.POSITIVE_INFINITY;
  const anchor = deps.anchorMs;
  const createdAt = deps.clock.now();
  const tooLongAfter = options.tooLongAfter ?? 100_000;
  const timeout = options.timeoutSec ?? 30;
  const silent = new Set((options.silentChats ?? []).map(username));
  const dropRatio = options.dropRatio ?? 0;
  const watched = new Map<string, Watched>();
  const layouts = new Map<string, Map<number, Layout>>();
  let pushed = 0;
  let dropped = 0;
  let pushing: AbortController | undefined;
  let stopped = false;

  const slotNow = () => Math.floor((deps.clock.now() - anchor) / slotMs);
  const slotTime = (slot: number) => anchor + slot * slotMs;
  const sec = (ms: number) => Math.floor(ms / 1000);
  const base = (plan: ChatPlan) => lastId(plan) + 1;
  const deletesBlock = (block: number) => block >= keep;

  const layoutOf = (plan: ChatPlan, block: number): Layout => {
    const kept = layouts.get(plan.channelId) ?? new Map<number, Layout>();
    layouts.set(plan.channelId, kept);
    const known = kept.get(block);
    if (known) return known;
    const random = mulberry32(hash32(plan.seed, 'shared-block', block));
    const kinds: SlotKind[] = [
      ...Array<SlotKind>(posts).fill('post'),
      ...Array<SlotKind>(edits).fill('edit'),
      ...Array<SlotKind>(deletes).fill('delete'),
    ];
    shuffle(kinds, random);
    const targets = shuffle(
      Array.from({ length: posts }, (_, j) => j),
      random,
    );
    const layout: Layout = {
      kinds,
      postSlot: [],
      editTarget: new Map(),
      editedIn: new Map(),
      deleteOrdinal: new Map(),
      deleteSlot: [],
    };
    kinds.forEach((kind, slot) => {
      if (kind === 'post') layout.postSlot.push(slot);
      else if (kind === 'edit') {
        const target = targets[layout.editTarget.size]!;
        layout.editTarget.set(slot, target);
        layout.editedIn.set(target, slot);
      } else {
        layout.deleteOrdinal.set(slot, layout.deleteSlot.length);
        layout.deleteSlot.push(slot);
      }
    });
    if (kept.size >= KEPT_LAYOUTS) kept.delete(kept.keys().next().value!);
    kept.set(block, layout);
    return layout;
  };

  /** The posts (their ordinals j) deletion d of a block removes from the block `keep` before. */
  const deletedBy = (d: number) =>
    Array.from({ length: posts }, (_, j) => j).filter((j) => j % deletes === d);

  /** How many pts the event of a slot takes: 0 for an empty slot (nothing to edit or delete yet). */
  const ptsCountOf = (plan: ChatPlan, slot: number): number => {
    const block = Math.floor(slot / BLOCK);
    const kind = layoutOf(plan, block).kinds[slot % BLOCK]!;
    if (kind === 'post') return 1;
    if (kind === 'edit') return block >= 1 ? 1 : 0;
    if (!deletesBlock(block)) return 0;
    return deletedBy(layoutOf(plan, block).deleteOrdinal.get(slot % BLOCK)!).length;
  };
  /** Pts taken by every block before `block`. */
  const ptsBefore = (block: number) =>
    posts * block +
    edits * Math.max(0, block - 1) +
    (Number.isFinite(keep) ? posts * Math.max(0, block - keep) : 0);
  /** The channel's pts once the event of `slot` happened (1 before any). */
  const ptsAfter = (plan: ChatPlan, slot: number): number => {
    if (slot < 0) return 1;
    const block = Math.floor(slot / BLOCK);
    let pts = 1 + ptsBefore(block);
    for (let s = block * BLOCK; s <= slot; s++) pts += ptsCountOf(plan, s);
    return pts;
  };
  /** The first slot whose event takes the channel past `pts`. */
  const firstSlotAfter = (plan: ChatPlan, pts: number, last: number): number => {
    let lo = 0;
    let hi = Math.floor(last / BLOCK);
    // The first block whose end is past pts.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (1 + ptsBefore(mid + 1) > pts) hi = mid;
      else lo = mid + 1;
    }
    let slot = lo * BLOCK;
    while (slot < last && ptsAfter(plan, slot) <= pts) slot++;
    return slot;
  };

  const idOf = (plan: ChatPlan, block: number, j: number) => base(plan) + posts * block + j;
  const postOf = (plan: ChatPlan, id: number) => {
    const n = id - base(plan);
    return n < 0 ? undefined : { block: Math.floor(n / posts), j: n % posts };
  };
  const postTime = (plan: ChatPlan, block: number, j: number) =>
    slotTime(block * BLOCK + layoutOf(plan, block).postSlot[j]!);
  const editTime = (plan: ChatPlan, block: number, j: number): number | undefined => {
    const slot = layoutOf(plan, block + 1).editedIn.get(j);
    return slot === undefined ? undefined : slotTime((block + 1) * BLOCK + slot);
  };
  const deleteTime = (plan: ChatPlan, block: number, j: number): number | undefined => {
    if (!Number.isFinite(keep)) return undefined;
    const later = block + keep;
    return slotTime(later * BLOCK + layoutOf(plan, later).deleteSlot[j % deletes]!);
  };
  /** Message `j` of `block` as it was at `at` (edited or not); undefined when not posted or gone. */
  const messageAt = (plan: ChatPlan, block: number, j: number, at: number) => {
    const posted = postTime(plan, block, j);
    if (posted > at) return undefined;
    const gone = deleteTime(plan, block, j);
    if (gone !== undefined && gone <= at) return undefined;
    const edited = editTime(plan, block, j);
    return build(plan, block, j, edited !== undefined && edited <= at);
  };
  const build = (plan: ChatPlan, block: number, j: number, edited: boolean) => {
    const id = idOf(plan, block, j);
    const date = sec(postTime(plan, block, j));
    if (!edited) return liveMessage(plan, id, `live message ${id}`, date);
    const editDate = Math.max(sec(editTime(plan, block, j)!), date + 1);
    return liveMessage(plan, id, `live message ${id} (edited ${editDate})`, date, editDate);
  };
  /** The newest id posted by `slot`, or base − 1. */
  const newestId = (plan: ChatPlan, slot: number): number => {
    if (slot < 0) return base(plan) - 1;
    const block = Math.floor(slot / BLOCK);
    const postsDone = layoutOf(plan, block).postSlot.filter((s) => s <= slot % BLOCK).length;
    return idOf(plan, block, 0) + postsDone - 1;
  };

  /** The update of a slot's event, or undefined for an empty slot. */
  const updateOf = (plan: ChatPlan, slot: number): Api.TypeUpdate | undefined => {
    const count = ptsCountOf(plan, slot);
    if (count === 0) return undefined;
    const block = Math.floor(slot / BLOCK);
    const layout = layoutOf(plan, block);
    const at = slot % BLOCK;
    const pts = ptsAfter(plan, slot);
    switch (layout.kinds[at]) {
      case 'post': {
        const j = layout.postSlot.indexOf(at);
        return new Api.UpdateNewChannelMessage({
          message: build(plan, block, j, false),
          pts,
          ptsCount: 1,
        });
      }
      case 'edit':
        return new Api.UpdateEditChannelMessage({
          message: build(plan, block - 1, layout.editTarget.get(at)!, true),
          pts,
          ptsCount: 1,
        });
      default: {
        const d = layout.deleteOrdinal.get(at)!;
        return new Api.UpdateDeleteChannelMessages({
          channelId: returnBigInt(plan.channelId),
          messages: deletedBy(d).map((j) => idOf(plan, block - keep, j)),
          pts,
          ptsCount: count,
        });
      }
    }
  };

  /** Existing live messages with ids in (minId, upper), newest first, at most `limit`. */
  const existing = (plan: ChatPlan, minId: number, upper: number, limit: number, at: number) => {
    const out: Api.Message[] = [];
    const slot = Math.floor((at - anchor) / slotMs);
    const nowBlock = Math.floor(slot / BLOCK);
    for (let id = Math.min(upper - 1, newestId(plan, slot)); id > minId; id--) {
      const post = postOf(plan, id);
      // Everything older than the auto-delete window is gone.
      if (!post || post.block + keep < nowBlock) break;
      const message = messageAt(plan, post.block, post.j, at);
      if (message) out.push(message);
      if (out.length >= limit) break;
    }
    return out;
  };

  /** Ids posted from `sinceMs` until now, ascending. */
  const postedSince = (plan: ChatPlan, sinceMs: number): number[] => {
    const ids: number[] = [];
    for (let id = newestId(plan, slotNow()); id >= base(plan); id--) {
      const post = postOf(plan, id)!;
      if (postTime(plan, post.block, post.j) < sinceMs) break;
      ids.push(id);
    }
    return ids.reverse();
  };

  const watch = (plan: ChatPlan): Watched => {
    let channel = watched.get(plan.channelId);
    if (!channel) {
      channel = { plan, pushedUpTo: slotNow() };
      watched.set(plan.channelId, channel);
      startPushing();
    }
    return channel;
  };

  /** Pushes every watched channel's events as their slots come, one `updates` each. */
  function startPushing() {
    if (pushing || stopped) return;
    const stop = new AbortController();
    pushing = stop;
    void (async () => {
      for (;;) {
        const next = slotTime(slotNow() + 1);
        await deps.clock.sleep(Math.max(0, next - deps.clock.now()), stop.signal);
        const last = slotNow();
        for (const channel of watched.values()) {
          for (let slot = channel.pushedUpTo + 1; slot <= last; slot++) push(channel.plan, slot);
          channel.pushedUpTo = Math.max(channel.pushedUpTo, last);
        }
        // A virtual clock's sleep takes no time: let the follower run between events.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })().catch((error: unknown) => {
      if (!(error instanceof AbortError)) throw error;
    });
  }

  const push = (plan: ChatPlan, slot: number) => {
    if (slot < 0) return;
    const update = updateOf(plan, slot);
    if (!update || silent.has(plan.username)) return;
    // Seeded by the slot, so that every process drops the same pushes.
    if (hash32(plan.seed, 'shared-drop', slot) / 2 ** 32 < dropRatio) {
      dropped++;
      return;
    }
    pushed++;
    deps.push(
      new Api.Updates({
        updates: [update],
        users: usersOf(plan),
        chats: [simulatedChannel(plan)],
        date: sec(slotTime(slot)),
        seq: 0,
      }),
    );
  };

  const channelFor = (input: Api.TypeInputChannel, request: Api.AnyRequest): ChatPlan => {
    const plan =
      input instanceof Api.InputChannel ? deps.byChannelId(String(input.channelId)) : undefined;
    if (
      !plan ||
      !(input instanceof Api.InputChannel) ||
      String(input.accessHash) !== plan.accessHash
    ) {
      throw telegramError('CHANNEL_INVALID', request);
    }
    return plan;
  };

  const notShared = (what: string) => () => {
    throw new TypeError(`live.${what}() is not for use with a shared live history`);
  };

  return {
    post: notShared('post'),
    edit: notShared('edit'),
    remove: notShared('remove'),
    step: notShared('step'),
    start: notShared('start'),
    stop() {
      stopped = true;
      pushing?.abort();
      pushing = undefined;
    },
    pts: (chat) => ptsAfter(deps.plan(chat), slotNow()),
    truth(chat, sinceMs = createdAt) {
      const plan = deps.plan(chat);
      const ref = `@${plan.username}`;
      const at = deps.clock.now();
      const out = new Map<number, TgMessage>();
      for (const id of postedSince(plan, sinceMs)) {
        const post = postOf(plan, id)!;
        const message = messageAt(plan, post.block, post.j, at);
        const mapped = message && mapMessage(message, ref);
        if (mapped) out.set(id, mapped);
      }
      return out;
    },
    posted: (chat, sinceMs = createdAt) => postedSince(deps.plan(chat), sinceMs),
    postedAt(chat, id) {
      const plan = deps.plan(chat);
      const post = postOf(plan, id);
      if (!post) return undefined;
      const at = postTime(plan, post.block, post.j);
      return at <= deps.clock.now() ? at : undefined;
    },
    get pushed() {
      return pushed;
    },
    get dropped() {
      return dropped;
    },
    history(plan, query) {
      watch(plan);
      const upper = Math.min(
        query.offsetId > 0 ? query.offsetId : Number.MAX_SAFE_INTEGER,
        query.maxId > 0 ? query.maxId : Number.MAX_SAFE_INTEGER,
      );
      return existing(plan, query.minId, upper, query.limit ?? Infinity, deps.clock.now());
    },
    getChannelDifference(request) {
      const plan = channelFor(request.channel as Api.TypeInputChannel, request);
      watch(plan);
      const last = slotNow();
      const now = ptsAfter(plan, last);
      const chats = [simulatedChannel(plan)];
      if (request.pts >= now) {
        return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: now, timeout });
      }
      if (now - request.pts > tooLongAfter) {
        const top = existing(plan, 0, Number.MAX_SAFE_INTEGER, 10, deps.clock.now());
        return new Api.updates.ChannelDifferenceTooLong({
          final: true,
          timeout,
          dialog: readDialog(channelPeer(plan), top[0]?.id ?? lastId(plan), now),
          messages: top,
          chats,
          users: usersOf(plan),
        });
      }
      const limit = Math.max(1, Math.min(request.limit, 100));
      const newMessages: Api.TypeMessage[] = [];
      const otherUpdates: Api.TypeUpdate[] = [];
      let pts = request.pts;
      for (let slot = firstSlotAfter(plan, request.pts, last); slot <= last; slot++) {
        const update = updateOf(plan, slot);
        if (!update) continue;
        if (update instanceof Api.UpdateNewChannelMessage) newMessages.push(update.message);
        else otherUpdates.push(update);
        pts = ptsAfter(plan, slot);
        if (newMessages.length + otherUpdates.length >= limit) break;
      }
      return new Api.updates.ChannelDifference({
        final: pts === now,
        pts,
        timeout,
        newMessages,
        otherUpdates,
        chats,
        users: usersOf(plan),
      });
    },
    // The account's own box (private chats, basic groups) has no simulated chats.
    getState: () =>
      new Api.updates.State({
        pts: 1,
        qts: 0,
        date: sec(deps.clock.now()),
        seq: 0,
        unreadCount: 0,
      }),
    getDifference: () => new Api.updates.DifferenceEmpty({ date: sec(deps.clock.now()), seq: 0 }),
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [items[i], items[k]] = [items[k]!, items[i]!];
  }
  return items;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function username(name: string): string {
  return name.replace(/^@/, '').toLowerCase();
}
