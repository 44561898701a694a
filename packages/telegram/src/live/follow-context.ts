import type { ChatRef, Clock, MessageChange } from '@tgfetch/core';
import { Api } from 'telegram';
import type { FollowState } from './follow-state.js';
import type { Followed } from './followed.js';
import type { PollSchedule } from './poll-schedule.js';
import type { ChangeMapper } from './to-changes.js';
import type { LiveUpdate } from './update-entries.js';

/** The follow's settings, defaults applied (see `TelegramChangeSourceOptions`). */
export interface FollowSettings {
  maxPollIntervalMs: number;
  gapWaitMs: number;
  differenceLimit: number;
}

/** What the parts of one follow share. */
export interface FollowContext {
  readonly followed: Followed;
  readonly state: FollowState;
  readonly mapper: ChangeMapper;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly settings: FollowSettings;
  /** A request under the source's pacing, retried as core's policy says. */
  call<R extends Api.AnyRequest>(request: R, chat: ChatRef): Promise<R['__response']>;
  lastStoredId(chat: ChatRef): Promise<number | undefined>;
  /** Boxes whose difference is to be asked at once (a gap that stayed, a too-long notice). */
  readonly due: Set<string>;
  /** When each box's difference is asked next. */
  readonly polls: PollSchedule;
}

/** The changes of updates just applied; a channel's too-long notice makes it due. */
export function changesOf(context: FollowContext, items: readonly LiveUpdate[]): MessageChange[] {
  const at = context.clock.now();
  return items.flatMap((item) => {
    if (item instanceof Api.UpdateChannelTooLong) {
      const box = String(item.channelId);
      if (context.followed.byBox(box)) context.due.add(box);
      return [];
    }
    return context.mapper.ofUpdate(item, at);
  });
}

/** When to ask a box again: as Telegram's `timeout` says, never later than the bound. */
export function schedulePoll(context: FollowContext, box: string, timeoutSec?: number): void {
  const bound = context.settings.maxPollIntervalMs;
  const wait = timeoutSec && timeoutSec > 0 ? Math.min(timeoutSec * 1000, bound) : bound;
  context.polls.set(box, context.clock.now() + wait);
}
