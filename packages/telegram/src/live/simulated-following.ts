import type { ResumePoint, TgMessage } from '@tgfetch/core';
import { afterEach } from 'vitest';
import { createSimulatedSource, type SimulatedLiveOptions } from '../testing/index.js';
import { createTelegramChangeSource } from './change-source.js';
import { appliedChanges, until } from './follow-helpers.js';

/** Following over a simulated Telegram, for tests (not exported by the package). */

export const CHAT = '@demo_chat';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A follow of `chats` over a simulated Telegram, applied to maps as it runs. */
export function following(
  live: SimulatedLiveOptions = {},
  options: {
    chats?: string[];
    from?: ResumePoint | undefined;
    stored?: 'last' | 'none';
    seed?: number;
    maxPollIntervalMs?: number;
    now?: number;
  } = {},
) {
  const source = createSimulatedSource({
    pacing: false,
    historyDays: 3,
    live,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const { telegram } = source;
  const chats = options.chats ?? [CHAT];
  const applied = appliedChanges();
  const changes = createTelegramChangeSource({
    source,
    gapWaitMs: 10,
    maxPollIntervalMs: options.maxPollIntervalMs ?? 200,
    // What a store holds: the generated history (all of it), then what was applied.
    lastStoredId: async (chat) =>
      options.stored === 'none'
        ? undefined
        : Math.max(telegram.chat(chat).lastId, ...applied.of(chat).keys()),
  });
  const stop = new AbortController();
  let failure: unknown;
  const run = (async () => {
    const request = { chats, ...(options.from === undefined ? {} : { from: options.from }) };
    for await (const batch of changes.changes(request, stop.signal)) applied.apply(batch);
  })().catch((error: unknown) => {
    failure = error;
  });
  const end = async () => {
    stop.abort();
    telegram.live.stop();
    await run;
    await changes.close();
    await source.close();
  };
  stops.push(end);
  const started = () => applied.batches > 0;
  return {
    telegram,
    applied,
    end,
    failure: () => failure,
    ready: () => until(started, 'the first batch'),
    /** Waits until what was applied equals the simulator's truth for every chat. */
    caughtUp: (deadlineMs?: number) =>
      until(
        () => {
          if (failure) throw failure;
          return chats.every((chat) => same(applied.of(chat), telegram.live.truth(chat)));
        },
        'the follow to match the simulated truth',
        deadlineMs,
      ),
  };
}

export function same(a: Map<number, TgMessage>, b: Map<number, TgMessage>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, m] of b) if (JSON.stringify(a.get(id)) !== JSON.stringify(m)) return false;
  return true;
}
