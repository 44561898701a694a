import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramSource } from '../source.js';
import { createScriptedTelegram } from '../testing/scripted-telegram.js';
import { createTelegramChangeSource } from './change-source.js';
import { appliedChanges, until } from './follow-helpers.js';

/**
 * What Telegram does in the account's own box (private chats, basic groups), which the
 * simulated Telegram does not: short updates, deletions that name no chat, `updatesTooLong`,
 * difference slices and `differenceTooLong`, all as real `Api.*` objects read back through
 * a real gramjs client.
 */
const SELF = 777;
const ALICE = 1001;
const GROUP = 42;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

type AccountEvent = { pts: number; message?: Api.Message; update?: Api.TypeUpdate };

function account(options: { sliceSize?: number; tooLong?: () => boolean } = {}) {
  let pts = 10;
  const events: AccountEvent[] = [];
  const history: Api.Message[] = [];
  const alice = new Api.User({
    id: returnBigInt(ALICE),
    accessHash: returnBigInt(5),
    firstName: 'Alice',
    username: 'alice',
  });
  const me = new Api.User({
    id: returnBigInt(SELF),
    accessHash: returnBigInt(1),
    self: true,
    firstName: 'Me',
  });
  const group = new Api.Chat({
    id: returnBigInt(GROUP),
    title: 'Group',
    photo: new Api.ChatPhotoEmpty(),
    participantsCount: 2,
    date: 1,
    version: 1,
  });
  const state = () => new Api.updates.State({ pts, qts: 0, date: 100, seq: 0, unreadCount: 0 });
  const telegram = createScriptedTelegram((request) => {
    if (request instanceof Api.users.GetUsers) return [me];
    if (request instanceof Api.contacts.ResolveUsername) {
      return new Api.contacts.ResolvedPeer({
        peer: new Api.PeerUser({ userId: alice.id }),
        chats: [],
        users: [alice],
      });
    }
    if (request instanceof Api.updates.GetState) return state();
    if (request instanceof Api.updates.GetDifference) {
      if (options.tooLong?.()) return new Api.updates.DifferenceTooLong({ pts });
      const due = events.filter((e) => e.pts > request.pts);
      if (due.length === 0) return new Api.updates.DifferenceEmpty({ date: 100, seq: 0 });
      const slice = due.slice(0, options.sliceSize ?? 100);
      const last = slice.at(-1)!;
      const body = {
        newMessages: slice.flatMap((e) => (e.message ? [e.message] : [])),
        newEncryptedMessages: [],
        otherUpdates: slice.flatMap((e) => (e.update ? [e.update] : [])),
        chats: [group],
        users: [alice, me],
      };
      if (slice.length < due.length) {
        return new Api.updates.DifferenceSlice({
          ...body,
          intermediateState: new Api.updates.State({
            pts: last.pts,
            qts: 0,
            date: 100,
            seq: 0,
            unreadCount: 0,
          }),
        });
      }
      return new Api.updates.Difference({ ...body, state: state() });
    }
    if (request instanceof Api.messages.GetHistory) {
      const peer = request.peer;
      const of = (m: Api.Message) =>
        peer instanceof Api.InputPeerUser
          ? m.peerId instanceof Api.PeerUser
          : m.peerId instanceof Api.PeerChat;
      const messages = history
        .filter(
          (m) =>
            of(m) && m.id > (request.minId ?? 0) && (!request.offsetId || m.id < request.offsetId),
        )
        .sort((a, b) => b.id - a.id)
        .slice(0, request.limit);
      return new Api.messages.Messages({ messages, chats: [group], users: [alice, me] });
    }
    throw new Error(`not scripted: ${request.className}`);
  });

  /** A message from Alice: recorded for the difference, history and the push it makes. */
  const fromAlice = (id: number, text: string) => {
    pts += 1;
    const message = new Api.Message({
      id,
      peerId: new Api.PeerUser({ userId: alice.id }),
      fromId: new Api.PeerUser({ userId: alice.id }),
      date: 200 + id,
      message: text,
    });
    events.push({ pts, message });
    history.push(message);
    return new Api.UpdateShortMessage({
      id,
      userId: alice.id,
      message: text,
      pts,
      ptsCount: 1,
      date: 200 + id,
    });
  };
  const inGroup = (id: number, text: string) => {
    pts += 1;
    const message = new Api.Message({
      id,
      peerId: new Api.PeerChat({ chatId: group.id }),
      fromId: new Api.PeerUser({ userId: alice.id }),
      date: 200 + id,
      message: text,
    });
    events.push({ pts, message });
    history.push(message);
    return new Api.UpdateShortChatMessage({
      id,
      fromId: alice.id,
      chatId: group.id,
      message: text,
      pts,
      ptsCount: 1,
      date: 200 + id,
    });
  };
  const deletion = (ids: number[]) => {
    pts += ids.length;
    const update = new Api.UpdateDeleteMessages({ messages: ids, pts, ptsCount: ids.length });
    events.push({ pts, update });
    for (const id of ids)
      history.splice(
        history.findIndex((m) => m.id === id),
        1,
      );
    return new Api.UpdateShort({ update, date: 300 });
  };

  const source = createTelegramSource({ client: telegram.client, pacing: false });
  const applied = appliedChanges();
  const changes = createTelegramChangeSource({
    source,
    gapWaitMs: 20,
    maxPollIntervalMs: 60_000,
    lastStoredId: async (chat) => Math.max(0, ...applied.of(chat).keys()),
  });
  const stop = new AbortController();
  let failure: unknown;
  const run = (async () => {
    for await (const batch of changes.changes({ chats: ['@alice', `-${GROUP}`] }, stop.signal)) {
      applied.apply(batch);
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  stops.push(async () => {
    stop.abort();
    await run;
    await source.close();
  });
  const ids = (chat: string) => [...applied.of(chat).keys()].sort((a, b) => a - b);
  return {
    telegram,
    applied,
    fromAlice,
    inGroup,
    deletion,
    ids,
    failure: () => failure,
    ready: () => until(() => applied.batches > 0, 'the first batch'),
    asked: () => telegram.calls.filter((c) => c === 'updates.GetDifference').length,
    has: (chat: string, want: number[]) =>
      until(
        () => {
          if (failure) throw failure;
          return JSON.stringify(ids(chat)) === JSON.stringify(want);
        },
        `${chat} to hold ${want.join(',')}`,
      ),
  };
}

describe('live follow of the account box below gramjs invoke', () => {
  it('applies UpdateShortMessage and UpdateShortChatMessage in pts order', async () => {
    const a = account();
    await a.ready();
    a.telegram.pushUpdate(a.fromAlice(1, 'hi'));
    a.telegram.pushUpdate(a.inGroup(2, 'hello group'));
    await a.has('@alice', [1]);
    await a.has(`-${GROUP}`, [2]);
    expect(a.applied.of('@alice').get(1)?.text).toBe('hi');
    expect(a.asked()).toBe(0);
  });

  it('applies reordered pushes in pts order and skips duplicates', async () => {
    const a = account();
    await a.ready();
    const first = a.fromAlice(1, 'one');
    const second = a.fromAlice(2, 'two');
    a.telegram.pushUpdate(second);
    a.telegram.pushUpdate(first);
    a.telegram.pushUpdate(second);
    a.telegram.pushUpdate(first);
    await a.has('@alice', [1, 2]);
    const news = a.applied.changes.filter((c) => c.kind === 'new');
    expect(news.map((c) => c.kind === 'new' && c.message.id)).toEqual([1, 2]);
  });

  it('closes a gap with getDifference, slice by slice', async () => {
    const a = account({ sliceSize: 1 });
    await a.ready();
    a.fromAlice(1, 'lost');
    a.fromAlice(2, 'lost too');
    a.telegram.pushUpdate(a.fromAlice(3, 'after the gap'));
    await a.has('@alice', [1, 2, 3]);
    expect(a.asked()).toBeGreaterThanOrEqual(3);
  });

  it('attributes UpdateDeleteMessages, which names no chat, to the chat of the ids', async () => {
    const a = account();
    await a.ready();
    a.telegram.pushUpdate(a.fromAlice(1, 'one'));
    a.telegram.pushUpdate(a.inGroup(2, 'two'));
    await a.has(`-${GROUP}`, [2]);
    a.telegram.pushUpdate(a.deletion([1]));
    await a.has('@alice', []);
    expect(a.ids(`-${GROUP}`)).toEqual([2]);
    const deleted = a.applied.changes.filter((c) => c.kind === 'deleted');
    expect(deleted.map((c) => c.chat)).toEqual(['@alice']);
  });

  it('asks for the difference on updatesTooLong', async () => {
    const a = account();
    await a.ready();
    a.fromAlice(1, 'never pushed');
    a.telegram.pushUpdate(new Api.UpdatesTooLong());
    await a.has('@alice', [1]);
    expect(a.asked()).toBe(1);
  });

  it('walks history above the last stored message on differenceTooLong', async () => {
    let tooLong = false;
    const a = account({ tooLong: () => tooLong });
    await a.ready();
    a.telegram.pushUpdate(a.fromAlice(1, 'stored'));
    await a.has('@alice', [1]);
    tooLong = true;
    a.fromAlice(2, 'missed');
    a.inGroup(3, 'missed in the group');
    a.telegram.pushUpdate(a.fromAlice(4, 'after'));
    await a.has('@alice', [1, 2, 4]);
    await a.has(`-${GROUP}`, [3]);
    tooLong = false;
    expect(a.telegram.calls).toContain('messages.GetHistory');
  });
});
