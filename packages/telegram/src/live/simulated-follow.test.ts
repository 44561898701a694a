import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createSimulatedSource } from '../testing/index.js';
import { pushThroughSender } from '../testing/scripted-sender.js';
import { createTelegramChangeSource } from './change-source.js';
import { until } from './follow-helpers.js';
import { CHAT, following, same } from './simulated-following.js';

describe('live follow over the simulated Telegram', () => {
  it('applies pushed posts, edits and deletions in order', async () => {
    const f = following();
    await f.ready();
    const a = f.telegram.live.post(CHAT);
    const b = f.telegram.live.post(CHAT);
    f.telegram.live.edit(CHAT, a);
    f.telegram.live.remove(CHAT, [b]);
    await f.caughtUp();
    expect(f.applied.changes.map((c) => c.kind)).toEqual(['new', 'new', 'edited', 'deleted']);
    expect([...f.applied.of(CHAT).keys()]).toEqual([a]);
    expect(f.telegram.live.dropped).toBe(0);
  });

  it('closes gaps of dropped pushes with getChannelDifference', async () => {
    const f = following({ dropRatio: 0.5 });
    await f.ready();
    for (let i = 0; i < 40; i++) f.telegram.live.step([CHAT]);
    await f.caughtUp();
    expect(f.telegram.live.dropped).toBeGreaterThan(0);
  });

  it('polls a channel Telegram does not push for', async () => {
    const f = following({ silentChats: [CHAT] });
    await f.ready();
    for (let i = 0; i < 5; i++) f.telegram.live.post(CHAT);
    await f.caughtUp();
    expect(f.telegram.live.pushed).toBe(0);
    expect(f.telegram.stats.calls).toContain('updates.GetChannelDifference');
  });

  it('walks history above the last stored message when the difference is too long', async () => {
    const first = following({ tooLongAfter: 5 });
    await first.ready();
    first.telegram.live.post(CHAT);
    await first.caughtUp();
    const resume = first.applied.resume;
    await first.end();
    // A second run resumes from there while many changes happened meanwhile.
    const second = following({ tooLongAfter: 5, silentChats: [CHAT] }, { from: resume });
    const { live } = second.telegram;
    // The same seed gives the same channel, which posted once before.
    live.post(CHAT);
    for (let i = 0; i < 30; i++) live.post(CHAT);
    await second.ready();
    await until(
      () => second.applied.of(CHAT).size === live.truth(CHAT).size,
      'the walk to bring every live message',
    );
    const calls = second.telegram.stats.calls;
    const asked = calls.indexOf('updates.GetChannelDifference');
    expect(asked).toBeGreaterThan(-1);
    expect(calls.slice(asked)).toContain('messages.GetHistory');
    expect([...second.applied.of(CHAT).keys()].sort()).toEqual([...live.truth(CHAT).keys()].sort());
  });

  it('asks a channel for its difference at once on UpdateChannelTooLong', async () => {
    const f = following({ silentChats: [CHAT] }, { maxPollIntervalMs: 60_000 });
    await f.ready();
    const asked = () =>
      f.telegram.stats.calls.filter((c) => c === 'updates.GetChannelDifference').length;
    const before = asked();
    f.telegram.live.post(CHAT);
    const channelId = returnBigInt(f.telegram.chat(CHAT).channelId);
    const { Api } = await import('telegram');
    pushThroughSender(
      f.telegram.client,
      new Api.UpdateShort({ update: new Api.UpdateChannelTooLong({ channelId }), date: 1 }),
    );
    await f.caughtUp();
    expect(asked()).toBeGreaterThan(before);
  });

  it('catches up after the link comes back', async () => {
    const f = following({ dropRatio: 1 });
    await f.ready();
    const before = f.telegram.stats.calls.filter((c) => c === 'updates.GetChannelDifference');
    const sender = (
      f.telegram.client as unknown as { _sender: { _updateCallback(o: unknown, u: unknown): void } }
    )._sender;
    const { UpdateConnectionState } = await import('telegram/network/index.js');
    f.telegram.live.post(CHAT);
    sender._updateCallback(
      f.telegram.client,
      new UpdateConnectionState(UpdateConnectionState.connected),
    );
    await f.caughtUp();
    expect(
      f.telegram.stats.calls.filter((c) => c === 'updates.GetChannelDifference').length,
    ).toBeGreaterThan(before.length);
  });

  it('follows what the simulated Telegram does on its own clock at its rate', async () => {
    const f = following({ eventsPerSecond: 500, dropRatio: 0.2 });
    await f.ready();
    f.telegram.live.start([CHAT]);
    await until(() => f.telegram.live.pts(CHAT) > 30, 'thirty live events');
    f.telegram.live.stop();
    await f.caughtUp();
  });

  it('starts changing a channel once it is followed, when asked to (the follow demo)', async () => {
    const f = following({ startWhenFollowed: true, eventsPerSecond: 200 });
    await until(() => f.applied.changes.length >= 10, 'ten changes nobody made by hand');
    f.telegram.live.stop();
    await f.caughtUp();
  });

  it('meets the same Telegram after a restart on a shared timeline, and reaches its truth', async () => {
    const now = Date.now();
    const timeline = { epochMs: now + 50, untilMs: now + 1_550, chats: [CHAT, '@news'] };
    const live = { eventsPerSecond: 200, dropRatio: 0.1, timeline };
    const chats = [CHAT, '@news'];
    const first = following(live, { chats, now, seed: 7 });
    await until(() => first.applied.changes.length >= 20, 'twenty changes');
    const resume = first.applied.resume;
    const seen = first.applied.changes.length;
    await first.end();
    // Down for a while: the events meanwhile are replayed, not pushed, by the next process.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = following(live, { chats, now, seed: 7, from: resume });
    for (const [chat, messages] of first.applied.chats) {
      for (const [id, message] of messages) second.applied.of(chat).set(id, message);
    }
    await until(() => Date.now() > timeline.untilMs, 'the end of the timeline', 5_000);
    // A checker made afterwards knows the whole timeline without following anything.
    const checker = createSimulatedSource({ historyDays: 3, now, seed: 7, live });
    await until(
      () => chats.every((chat) => same(second.applied.of(chat), checker.telegram.live.truth(chat))),
      'the second follower to reach the truth',
    );
    expect(seen).toBeGreaterThan(0);
    for (const chat of chats) {
      const posted = checker.telegram.live.posted(chat);
      expect(posted.length).toBeGreaterThan(0);
      expect(second.telegram.live.posted(chat)).toEqual(posted);
    }
    await checker.close();
  });

  it('names the account its resume point belongs to', async () => {
    const source = createSimulatedSource({ historyDays: 1 });
    const changes = createTelegramChangeSource({ source, lastStoredId: async () => undefined });
    expect(await changes.resumeKey(new AbortController().signal)).toMatch(/^telegram:\d+$/);
    await changes.close();
    const closed = changes.changes({ chats: [CHAT] }, new AbortController().signal);
    await expect(closed[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'SOURCE_CLOSED',
    });
    await source.close();
  });

  it('property: under random drops, the changes applied equal the simulated truth', async () => {
    for (const seed of [1, 2, 3]) {
      const chats = ['@demo_chat', '@other_chat'];
      const f = following({ dropRatio: 0.3, editShare: 0.3, deleteShare: 0.2 }, { chats, seed });
      await f.ready();
      for (let i = 0; i < 60; i++) f.telegram.live.step(chats);
      await f.caughtUp();
      await f.end();
    }
  });
});
