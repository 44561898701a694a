import type { ChangeBatch, ChangeRequest } from '@tgfetch/core';
import { AbortError, type ChatRef, decideRetry, type RetryPolicy } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import type { SourceAccess } from '../source-access.js';
import { catchUpAccount, catchUpChannel, channelPts, planWalk, walkChat } from './catch-up.js';
import {
  changesOf,
  type FollowContext,
  type FollowSettings,
  schedulePoll,
} from './follow-context.js';
import { createFollowState } from './follow-state.js';
import { type FollowedChat, followedChat, followed as followedChats } from './followed.js';
import { createPollSchedule } from './poll-schedule.js';
import { changeMapper } from './to-changes.js';
import { pushed } from './update-entries.js';
import { hookSender, type SenderEvent } from './update-hook.js';
import { ACCOUNT_BOX } from './update-state.js';

/** Pushed updates held while the consumer is busy; past this they are dropped for a difference. */
const MAX_QUEUED = 10_000;
/**
 * Why an idle wait ends early: any value but undefined spares the `DOMException` (and its
 * stack) that `abort()` makes for each wake of a follower that wakes for every poll.
 */
const WOKEN = Symbol('woken');
/**
 * Polls due this soon are made with the one due now (early, never late): a follower of a
 * thousand quiet chats then wakes once a second for a handful of polls, not for each.
 */
const POLL_SLACK_MS = 1_000;

export interface FollowDeps {
  access: SourceAccess;
  settings: FollowSettings;
  retry: RetryPolicy;
  lastStoredId(chat: ChatRef): Promise<number | undefined>;
}

/**
 * One follow of the account's chats (see `createTelegramChangeSource`). Pushed updates are
 * taken from the client's sender as they arrive and applied in pts order; a gap waits
 * `gapWaitMs` for what is missing, then the box's difference closes it; each box is also
 * asked for its difference on start, after every reconnect or new client, and at least
 * every `maxPollIntervalMs` (Telegram pushes a big channel's updates only while it is open).
 * Requests are paced with fetching's and retried as core's policy says; one that still
 * fails ends the follow with its (translated) error, to be resumed from the last stored
 * batch.
 */
export async function* follow(
  deps: FollowDeps,
  request: ChangeRequest,
  signal: AbortSignal,
): AsyncGenerator<ChangeBatch> {
  const { access } = deps;
  const clock = access.clock;
  const queue: SenderEvent[] = [];
  let overflow = false;
  let catchUpAll = false;
  let wake: (() => void) | undefined;
  let hooked: TelegramClient | undefined;
  let unhook: (() => void) | undefined;

  const listen = (event: SenderEvent) => {
    if (queue.length >= MAX_QUEUED) overflow = true;
    else queue.push(event);
    wake?.();
  };
  /** Listens on the connection's client; a new client (the last one was given up) means a catch-up. */
  const ensureHooked = () => {
    const client = access.connection.client;
    if (client === hooked) return;
    const undo = hookSender(client, listen);
    if (!undo) return;
    unhook?.();
    unhook = undo;
    if (hooked) catchUpAll = true;
    hooked = client;
  };
  const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await work();
        ensureHooked();
        return result;
      } catch (error) {
        if (error instanceof AbortError || signal.aborted) throw error;
        const decision = decideRetry(error, attempt, deps.retry);
        if (!decision.retry) throw decision.error;
        await clock.sleep(decision.delayMs, signal);
      }
    }
  };

  try {
    const chats: FollowedChat[] = [];
    for (const ref of new Set(request.chats)) {
      const resolved = await retrying(() => access.peer(ref, signal));
      const user = !(
        resolved.input instanceof Api.InputPeerChannel ||
        resolved.input instanceof Api.InputPeerChat
      );
      const self = user ? await retrying(() => access.selfId()) : '';
      chats.push(followedChat(ref, resolved, self));
    }
    if (chats.length === 0) return;
    const followed = followedChats(chats);
    const state = createFollowState(followed, request.from);
    const context: FollowContext = {
      followed,
      state,
      mapper: changeMapper(followed),
      clock,
      signal,
      settings: deps.settings,
      call: (req, chat) => retrying(() => access.call(req, chat, signal)),
      lastStoredId: deps.lastStoredId,
      due: new Set(),
      polls: createPollSchedule(),
    };
    ensureHooked();
    yield* start(context);

    const gapSince = new Map<string, number>();
    for (;;) {
      if (signal.aborted) throw new AbortError();
      if (overflow) {
        overflow = false;
        queue.length = 0;
        catchUpAll = true;
      }
      if (catchUpAll) {
        catchUpAll = false;
        if (state.accountKnown) context.due.add(ACCOUNT_BOX);
        for (const box of followed.channelBoxes) context.due.add(box);
      }
      if (queue.length > 0) {
        // What arrived since the last turn, applied in arrival order as one batch.
        const changes = queue.splice(0).flatMap((event) => {
          if ('link' in event) {
            if (event.link) catchUpAll = true;
            return [];
          }
          const arrival = pushed(event.updates);
          if ('tooLong' in arrival) {
            catchUpAll = true;
            return [];
          }
          return changesOf(context, state.updates.offerContainer(arrival.container));
        });
        yield* state.batch(changes);
      }
      const now = clock.now();
      const gaps = new Set(state.updates.gaps());
      for (const box of gapSince.keys()) if (!gaps.has(box)) gapSince.delete(box);
      for (const box of gaps) {
        const since = gapSince.get(box) ?? now;
        gapSince.set(box, since);
        if (now - since >= deps.settings.gapWaitMs) context.due.add(box);
      }
      const slack = Math.min(POLL_SLACK_MS, deps.settings.maxPollIntervalMs / 20);
      for (const box of context.polls.takeDue(now, slack)) context.due.add(box);
      const box = context.due.values().next().value;
      if (box !== undefined) {
        context.due.delete(box);
        gapSince.delete(box);
        yield* box === ACCOUNT_BOX ? catchUpAccount(context) : catchUpChannel(context, box);
        continue;
      }
      yield* state.batch([]);
      const deadlines = [...gapSince.values()].map((since) => since + deps.settings.gapWaitMs);
      const poll = context.polls.next();
      if (poll !== undefined) deadlines.push(poll);
      await idle(deadlines.length > 0 ? Math.min(...deadlines) : undefined);
    }
  } finally {
    unhook?.();
  }

  /** Waits for a pushed update, a link change or `until` (epoch ms), whichever comes first. */
  async function idle(until: number | undefined): Promise<void> {
    // A virtual clock's sleeps take no time: let timers and I/O run between turns.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (queue.length > 0 || overflow || catchUpAll) return;
    if (signal.aborted) throw new AbortError();
    const stop = new AbortController();
    const onAbort = () => stop.abort(WOKEN);
    signal.addEventListener('abort', onAbort, { once: true });
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const ms = until === undefined ? 3_600_000 : Math.max(0, until - clock.now());
    try {
      await Promise.race([woken, clock.sleep(ms, stop.signal).catch(() => undefined)]);
    } finally {
      wake = undefined;
      stop.abort(WOKEN);
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) throw new AbortError();
  }
}

/**
 * The first catch-up: boxes the resume point does not know start at Telegram's pts now
 * (the account's `updates.getState`, a channel's history page) with their history walked
 * above the last stored message; walks a cut-short run left are finished; boxes it knows
 * are asked for their difference.
 */
async function* start(context: FollowContext): AsyncGenerator<ChangeBatch> {
  const { followed, state } = context;
  const known = followed.channelBoxes.filter((box) => state.updates.pts(box) !== undefined);
  for (const box of followed.channelBoxes) {
    if (state.updates.pts(box) !== undefined) continue;
    const chat = followed.byBox(box)!;
    const pts = await channelPts(context, chat);
    await planWalk(context, chat);
    state.updates.settle(box, pts);
    schedulePoll(context, box);
  }
  const accountWasKnown = state.accountKnown;
  if (followed.inAccount.length > 0) {
    if (!state.accountKnown) {
      const now = await context.call(new Api.updates.GetState(), followed.inAccount[0]!.ref);
      state.updates.setAccount({ pts: now.pts, qts: now.qts, date: now.date, seq: now.seq });
      schedulePoll(context, ACCOUNT_BOX);
    }
    for (const key of state.uncoveredInAccount()) await planWalk(context, followed.byKey(key)!);
    state.coverAccount();
  }
  yield* state.batch([]);
  for (const chat of followed.chats) yield* walkChat(context, chat);
  if (accountWasKnown) yield* catchUpAccount(context);
  for (const box of known) yield* catchUpChannel(context, box);
  spreadPolls(context);
}

/**
 * Spreads the next polls of the boxes evenly over their interval: started together, a
 * thousand followed channels would all be asked again at the same moment, every interval,
 * a burst Telegram's flood limits answer with waits (and a CPU spike each time).
 */
function spreadPolls(context: FollowContext): void {
  const now = context.clock.now();
  const boxes = [...context.followed.channelBoxes, ACCOUNT_BOX].filter(
    (box) => context.polls.get(box) !== undefined,
  );
  boxes.forEach((box, i) => {
    const at = context.polls.get(box)!;
    context.polls.set(box, now + Math.max(0, at - now) * ((i + 1) / boxes.length));
  });
}
