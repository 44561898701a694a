import type { ResumePoint } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnedClient } from '../client.js';
import { createTelegramConnection } from '../connection.js';
import { createTelegramSource, type TelegramSource } from '../source.js';
import { readDialog } from '../testing/dialogs.js';
import { sessionAt, TEST_API } from '../testing/endpoints.js';
import { installScriptedSender, type ScriptedSender } from '../testing/scripted-sender.js';
import { createScriptedTelegram } from '../testing/scripted-telegram.js';
import { createTelegramChangeSource } from './change-source.js';
import { appliedChanges, until } from './follow-helpers.js';

/**
 * A channel as Telegram serves it, below gramjs' `invoke` (requests and answers go through
 * gramjs' serialisation): `channelDifference` chains that are not `final`,
 * `channelDifferenceTooLong` and a client replaced under a follow.
 */
const CHANNEL = 500;
const HASH = 9;
const CHAT = '@news';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function channelServer(options: { tooLongAfter?: number } = {}) {
  let pts = 100;
  let nextId = 1;
  const events: { pts: number; update: Api.TypeUpdate }[] = [];
  const messages = new Map<number, Api.Message>();
  const channel = new Api.Channel({
    id: returnBigInt(CHANNEL),
    accessHash: returnBigInt(HASH),
    title: 'News',
    username: 'news',
    photo: new Api.ChatPhotoEmpty(),
    date: 1,
    broadcast: true,
  });
  const peer = new Api.PeerChannel({ channelId: channel.id });
  const calls: Api.AnyRequest[] = [];

  const answer = (request: Api.AnyRequest) => {
    calls.push(request);
    if (request instanceof Api.contacts.ResolveUsername) {
      return new Api.contacts.ResolvedPeer({ peer, chats: [channel], users: [] });
    }
    if (request instanceof Api.messages.GetHistory) {
      const page = [...messages.values()]
        .filter(
          (m) => m.id > (request.minId ?? 0) && (!request.offsetId || m.id < request.offsetId),
        )
        .sort((a, b) => b.id - a.id)
        .slice(0, request.limit);
      return new Api.messages.ChannelMessages({
        pts,
        count: messages.size,
        messages: page,
        topics: [],
        chats: [channel],
        users: [],
      });
    }
    if (request instanceof Api.updates.GetChannelDifference) {
      if (request.pts >= pts) {
        return new Api.updates.ChannelDifferenceEmpty({ final: true, pts, timeout: 1 });
      }
      if (options.tooLongAfter !== undefined && pts - request.pts > options.tooLongAfter) {
        return new Api.updates.ChannelDifferenceTooLong({
          final: true,
          timeout: 1,
          dialog: readDialog(peer, nextId - 1, pts),
          messages: [...messages.values()].slice(-5),
          chats: [channel],
          users: [],
        });
      }
      const slice = events.filter((e) => e.pts > request.pts).slice(0, request.limit);
      const last = slice.at(-1)!;
      return new Api.updates.ChannelDifference({
        final: last.pts === pts,
        pts: last.pts,
        timeout: 1,
        newMessages: slice.flatMap((e) =>
          e.update instanceof Api.UpdateNewChannelMessage ? [e.update.message] : [],
        ),
        otherUpdates: slice.flatMap((e) =>
          e.update instanceof Api.UpdateNewChannelMessage ? [] : [e.update],
        ),
        chats: [channel],
        users: [],
      });
    }
    throw new Error(`not scripted: ${request.className}`);
  };

  /**
   * A post: recorded, and returned as the `updates` Telegram would push for it. A `pushOnly`
   * one is never recorded: no difference or history page tells of it, only its push.
   */
  const post = (options: { pushOnly?: boolean } = {}) => {
    const id = nextId++;
    const message = new Api.Message({ id, peerId: peer, date: 1000 + id, message: `post ${id}` });
    const update = new Api.UpdateNewChannelMessage({ message, pts: pts + 1, ptsCount: 1 });
    if (!options.pushOnly) {
      pts += 1;
      messages.set(id, message);
      events.push({ pts, update });
    }
    return new Api.Updates({ updates: [update], users: [], chats: [channel], date: 1, seq: 0 });
  };
  const differences = () =>
    calls.filter(
      (c) => c instanceof Api.updates.GetChannelDifference,
    ) as Api.updates.GetChannelDifference[];
  return { answer, post, differences, calls, ids: () => [...messages.keys()] };
}

function following(
  source: TelegramSource,
  options: {
    from?: ResumePoint | undefined;
    maxPollIntervalMs?: number;
    differenceLimit?: number;
  } = {},
) {
  const applied = appliedChanges();
  const changes = createTelegramChangeSource({
    source,
    gapWaitMs: 20,
    maxPollIntervalMs: options.maxPollIntervalMs ?? 60_000,
    ...(options.differenceLimit === undefined ? {} : { differenceLimit: options.differenceLimit }),
    lastStoredId: async (chat) => Math.max(0, ...applied.of(chat).keys()),
  });
  const stop = new AbortController();
  let failure: unknown;
  const request = { chats: [CHAT], ...(options.from === undefined ? {} : { from: options.from }) };
  const run = (async () => {
    for await (const batch of changes.changes(request, stop.signal)) applied.apply(batch);
  })().catch((error: unknown) => {
    failure = error;
  });
  const end = async () => {
    stop.abort();
    await run;
    await source.close();
  };
  stops.push(end);
  const ids = () => [...applied.of(CHAT).keys()].sort((a, b) => a - b);
  return {
    applied,
    end,
    ready: () => until(() => applied.batches > 0, 'the first batch'),
    holds: (want: number[]) =>
      until(
        () => {
          if (failure) throw failure;
          return JSON.stringify(ids()) === JSON.stringify(want);
        },
        `${CHAT} to hold ${want.join(',')}`,
      ),
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live follow of a channel below gramjs invoke', () => {
  it('closes a gap with channel differences until one is final', async () => {
    const server = channelServer();
    const telegram = createScriptedTelegram(server.answer);
    const f = following(createTelegramSource({ client: telegram.client, pacing: false }), {
      differenceLimit: 10,
    });
    await f.ready();
    // 25 posts whose pushes were lost, then one that arrives: a gap of 25.
    for (let i = 0; i < 25; i++) server.post();
    telegram.pushUpdate(server.post());
    await f.holds(range(1, 26));
    const asked = server.differences();
    // Limit 10 a call: the chain took several answers, each from where the last ended.
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.every((d) => d.limit === 10)).toBe(true);
    expect(new Set(asked.map((d) => d.pts)).size).toBe(asked.length);
  });

  it('walks history above the last stored message on channelDifferenceTooLong, then goes on from the dialog pts', async () => {
    const server = channelServer({ tooLongAfter: 5 });
    const first = createScriptedTelegram(server.answer);
    const a = following(createTelegramSource({ client: first.client, pacing: false }));
    await a.ready();
    for (let i = 0; i < 3; i++) first.pushUpdate(server.post());
    await a.holds([1, 2, 3]);
    const resume = a.applied.resume;
    await a.end();

    // Twenty posts while nobody followed: more than the server keeps differences of.
    for (let i = 0; i < 20; i++) server.post();
    const second = createScriptedTelegram(server.answer);
    const b = following(createTelegramSource({ client: second.client, pacing: false }), {
      from: resume,
    });
    // The new run stores nothing yet: the walk starts above the first run's last id.
    b.applied.of(CHAT).set(3, a.applied.of(CHAT).get(3)!);
    await b.holds(range(1, 23).filter((id) => id >= 3));
    const walk = server.calls.filter(
      (c) => c instanceof Api.messages.GetHistory && (c.minId ?? 0) > 0,
    ) as Api.messages.GetHistory[];
    expect(walk.length).toBeGreaterThan(0);
    expect(walk.every((c) => c.minId === 3)).toBe(true);
    // From the dialog's pts on, the next push applies as it comes.
    const before = server.differences().length;
    second.pushUpdate(server.post());
    await b.holds(range(3, 24));
    expect(server.differences().length).toBe(before);
  });

  it('hears the new client after the connection replaced one that gave up, and catches up', async () => {
    const server = channelServer();
    const senders: ScriptedSender[] = [];
    const connection = createTelegramConnection(
      { ...TEST_API, session: await sessionAt(), requestTimeoutMs: 2000 },
      (options) => {
        const owned = createOwnedClient(options);
        senders.push(installScriptedSender(owned.client, server.answer));
        return owned;
      },
    );
    const f = following(createTelegramSource({ connection, pacing: false }), {
      maxPollIntervalMs: 50,
    });
    await f.ready();
    senders[0]!.pushUpdate(server.post());
    await f.holds([1]);
    senders[0]!.giveUp();
    // A post while the link is gone, then the next poll builds a fresh client.
    server.post();
    await until(() => senders.length === 2, 'a fresh client');
    await f.holds([1, 2]);
    // Only the new client's sender can tell of this one.
    senders[1]!.pushUpdate(server.post({ pushOnly: true }));
    await f.holds([1, 2, 3]);
  });
});
