import { createVirtualClock, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { mapMessage } from '../map-message.js';
import { createSimulatedTelegram, type SimulatedLiveOptions } from '../testing/index.js';
import { until } from './follow-helpers.js';
import { CHAT, following, same } from './simulated-following.js';

/**
 * A shared live history (`live.shared`): the same in every simulated Telegram, whenever it
 * was made and whatever else it knows, so a follower restarted in another process catches
 * up on what it missed through the difference calls.
 */

const MINUTE = 60_000;

/** Two simulated Telegrams standing for two processes, on clocks at the same instant. */
function twoProcesses(live: SimulatedLiveOptions, at: number) {
  const make = () =>
    createSimulatedTelegram({
      seed: 3,
      historyDays: 3,
      clock: createVirtualClock(at, { autoAdvance: false }),
      live,
    });
  return [make(), make()] as const;
}

/** Every change from `pts` on, by chained `updates.getChannelDifference`, as a map of messages. */
async function replay(
  telegram: ReturnType<typeof createSimulatedTelegram>,
  pts: number,
  into = new Map<number, TgMessage>(),
) {
  const chat = telegram.chat(CHAT);
  const channel = new Api.InputChannel({
    channelId: returnBigInt(chat.channelId),
    accessHash: returnBigInt(chat.accessHash),
  });
  const answers: unknown[] = [];
  for (let round = 0; round < 1_000; round++) {
    const answer = await telegram.client.invoke(
      new Api.updates.GetChannelDifference({
        channel,
        filter: new Api.ChannelMessagesFilterEmpty(),
        pts,
        limit: 100,
      }),
    );
    answers.push(answer.toJSON());
    if (answer instanceof Api.updates.ChannelDifference) {
      for (const m of answer.newMessages) into.set(m.id, mapMessage(m, CHAT)!);
      for (const update of answer.otherUpdates) {
        if (update instanceof Api.UpdateEditChannelMessage) {
          into.set(update.message.id, mapMessage(update.message, CHAT)!);
        } else if (update instanceof Api.UpdateDeleteChannelMessages) {
          for (const id of update.messages) into.delete(id);
        }
      }
      pts = answer.pts;
    }
    if (!(answer instanceof Api.updates.ChannelDifference) || answer.final) break;
  }
  return { messages: into, answers, pts };
}

describe('a shared live history', () => {
  const anchorMs = Date.parse('2026-11-01T00:00:00Z');
  const live = { eventsPerSecond: 20, shared: { anchorMs, autoDeleteSec: 10 } };

  it('is the same in two processes, whatever else each knows', async () => {
    // The last slot of the minute: 1,200 events since the anchor.
    const at = anchorMs + MINUTE - 1;
    const [a, b] = twoProcesses(live, at);
    // One process knows another chat first: a chat's history is its own.
    b.chat('@other_chat');
    b.live.pts('@other_chat');
    expect(a.live.pts(CHAT)).toBe(b.live.pts(CHAT));
    expect(a.live.pts(CHAT)).toBeGreaterThan(1_000);
    expect(a.live.posted(CHAT, anchorMs)).toEqual(b.live.posted(CHAT, anchorMs));
    // A minute at 20/s, seven posts in ten events.
    expect(a.live.posted(CHAT, anchorMs)).toHaveLength(840);
    expect(same(a.live.truth(CHAT, anchorMs), b.live.truth(CHAT, anchorMs))).toBe(true);
    const from = a.live.pts(CHAT) - 500;
    expect((await replay(a, from)).answers).toEqual((await replay(b, from)).answers);
  });

  it('tells the same story in its differences as in its truth, auto-deleted messages gone', async () => {
    const [telegram] = twoProcesses(live, anchorMs + MINUTE);
    const { messages, pts } = await replay(telegram, 1);
    expect(pts).toBe(telegram.live.pts(CHAT));
    const truth = telegram.live.truth(CHAT, anchorMs);
    expect(same(messages, truth)).toBe(true);
    // Only what was posted in the last ten seconds (the auto-delete) is left.
    expect(truth.size).toBeGreaterThan(100);
    expect(truth.size).toBeLessThanOrEqual(10 * 20);
    expect([...truth.values()].some((m) => m.edit_date)).toBe(true);
    for (const id of truth.keys()) {
      expect(telegram.live.postedAt(CHAT, id)).toBeGreaterThan(anchorMs + MINUTE - 11_000);
    }
  });

  it('lets a follower restarted in another process catch up with the difference calls', async () => {
    const shared = { eventsPerSecond: 100, shared: { anchorMs: Date.now() - 1_000 } };
    const first = following(shared, { stored: 'none' });
    await until(() => first.applied.changes.length >= 20, 'twenty changes');
    const resume = first.applied.resume;
    await first.end();
    const down = Date.now();
    // Every post from the first one it stored on is the followers' to store.
    const since = Math.min(
      ...first.applied.changes.map((c) =>
        c.kind === 'new' ? first.telegram.live.postedAt(CHAT, c.message.id)! : Infinity,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A new simulated Telegram: it never pushed what happened meanwhile.
    const second = following(shared, { from: resume });
    for (const [id, message] of first.applied.of(CHAT)) second.applied.of(CHAT).set(id, message);
    const stored = () =>
      new Map(
        [...second.applied.of(CHAT)].filter(
          ([id]) => second.telegram.live.postedAt(CHAT, id)! >= since,
        ),
      );
    await until(
      () => same(stored(), second.telegram.live.truth(CHAT, since)),
      'the second follower to reach the truth since the first began',
    );
    const missed = second.telegram.live.posted(CHAT, down).slice(0, 10);
    const caught = new Set(second.applied.changes.map((c) => c.kind === 'new' && c.message.id));
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.every((id) => caught.has(id))).toBe(true);
    expect(second.telegram.stats.calls).toContain('updates.GetChannelDifference');
    await second.end();
  });

  it('refuses the hand-made changes of a process-local history', () => {
    const [telegram] = twoProcesses(live, anchorMs);
    expect(() => telegram.live.post(CHAT)).toThrow(/shared live history/);
  });
});
