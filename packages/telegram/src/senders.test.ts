import { messageIssues, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createTelegramSource } from './source.js';
import { createScriptedAccount, type ScriptedChannel } from './testing/scripted-account.js';

/**
 * What a message says about who wrote it, where it came from and what it holds, read
 * through a real gramjs client (serialised and parsed back, `senderId` computed by gramjs).
 */

const DATE = 1_762_510_000;
const ALL = { from: 0, to: (DATE + 86_400) * 1000 };
const big = (v: string | number) => returnBigInt(v);
const signal = () => new AbortController().signal;
const CHANNEL = 1_700_000_001;
const channelPeer = new Api.PeerChannel({ channelId: big(CHANNEL) });

async function fetchFrom(
  options: Partial<ScriptedChannel> & { messages: Api.TypeMessage[] },
  extra: {
    users?: Api.User[];
    privateChats?: { userId: number; messages: Api.TypeMessage[] }[];
  } = {},
  chat = '@src',
): Promise<Map<number, TgMessage>> {
  const account = createScriptedAccount({
    channels: [{ id: CHANNEL, accessHash: 5, username: 'src', ...options }],
    ...extra,
    ...(extra.privateChats ? { dialogs: extra.privateChats.map((p) => String(p.userId)) } : {}),
  });
  const source = createTelegramSource({ client: account.client });
  const out = new Map<number, TgMessage>();
  for await (const m of source.messages({ chat, ...ALL }, signal())) {
    expect(messageIssues(m)).toEqual([]);
    out.set(m.id, m);
  }
  await source.close();
  return out;
}

const msg = (id: number, fields: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}) =>
  new Api.Message({ id, peerId: channelPeer, date: DATE + id, message: `m${id}`, ...fields });

describe('senders with their kind', () => {
  it('a channel post is sent by the channel; user 777 and channel 777 differ', async () => {
    const got = await fetchFrom({
      megagroup: true,
      messages: [
        msg(1, { post: true }),
        msg(2, { fromId: new Api.PeerUser({ userId: big(777) }) }),
        msg(3, { fromId: new Api.PeerChannel({ channelId: big(777) }) }),
        msg(4, { fromId: new Api.PeerChat({ chatId: big(55) }) }),
      ],
    });
    expect(got.get(1)?.from).toEqual({ kind: 'channel', id: CHANNEL });
    expect(got.get(1)?.from_id).toBe(CHANNEL);
    expect(got.get(2)?.from).toEqual({ kind: 'user', id: 777 });
    expect(got.get(3)?.from).toEqual({ kind: 'channel', id: 777 });
    expect(got.get(4)?.from).toEqual({ kind: 'chat', id: 55 });
  });

  it('private messages: incoming from the other user, outgoing from the account (no from_id on the wire)', async () => {
    const user = new Api.User({ id: big(4321), accessHash: big(8), firstName: 'Bo' });
    const peerId = new Api.PeerUser({ userId: big(4321) });
    const got = await fetchFrom(
      { messages: [] },
      {
        users: [user],
        privateChats: [
          {
            userId: 4321,
            messages: [
              new Api.Message({ id: 1, peerId, date: DATE, message: 'in' }),
              new Api.Message({ id: 2, peerId, date: DATE + 1, message: 'out', out: true }),
            ],
          },
        ],
      },
      '4321',
    );
    expect(got.get(1)?.from).toEqual({ kind: 'user', id: 4321 });
    expect(got.get(1)?.from_id).toBe(4321);
    // Nor for the account's own: it is the account.
    expect(got.get(2)?.from).toEqual({ kind: 'user', id: 1000 });
  });

  it('forward origins: user, channel post, hidden name, saved-from, imported', async () => {
    const got = await fetchFrom({
      messages: [
        msg(1, {
          fwdFrom: new Api.MessageFwdHeader({
            date: DATE,
            fromId: new Api.PeerUser({ userId: big(11) }),
          }),
        }),
        msg(2, {
          fwdFrom: new Api.MessageFwdHeader({
            date: DATE,
            fromId: new Api.PeerChannel({ channelId: big(11) }),
            channelPost: 9,
            postAuthor: 'Ed',
          }),
        }),
        msg(3, { fwdFrom: new Api.MessageFwdHeader({ date: DATE, fromName: 'Hidden Person' }) }),
        msg(4, {
          fwdFrom: new Api.MessageFwdHeader({
            date: DATE,
            fromId: new Api.PeerUser({ userId: big(11) }),
            savedFromPeer: new Api.PeerChannel({ channelId: big(12) }),
            savedFromMsgId: 40,
          }),
        }),
        msg(5, {
          fwdFrom: new Api.MessageFwdHeader({
            date: DATE,
            fromName: 'WhatsApp Bob',
            imported: true,
          }),
        }),
      ],
    });
    expect(got.get(1)?.forward?.from).toEqual({ kind: 'user', id: 11 });
    expect(got.get(2)?.forward).toMatchObject({
      from: { kind: 'channel', id: 11 },
      channel_post: 9,
      post_author: 'Ed',
    });
    expect(got.get(3)?.forward).toEqual({ from_name: 'Hidden Person', date: expect.any(String) });
    expect(got.get(4)?.forward?.saved_from).toEqual({
      peer: { kind: 'channel', id: 12 },
      message_id: 40,
    });
    expect(got.get(5)?.forward).toMatchObject({ from_name: 'WhatsApp Bob', imported: true });
  });
});

describe('replies into another chat', () => {
  it('are not written as replies to this chat’s message with that id', async () => {
    const got = await fetchFrom({
      messages: [
        msg(1),
        msg(2, { replyTo: new Api.MessageReplyHeader({ replyToMsgId: 1 }) }),
        msg(3, {
          replyTo: new Api.MessageReplyHeader({
            replyToMsgId: 1,
            replyToPeerId: new Api.PeerChannel({ channelId: big(999) }),
          }),
        }),
      ],
    });
    expect(got.get(2)?.reply_to).toBe(1);
    expect(got.get(3)?.reply_to ?? null).toBeNull();
    expect(got.get(3)?.reply_to_peer).toEqual({
      peer: { kind: 'channel', id: 999 },
      message_id: 1,
    });
  });
});

describe('forum topics', () => {
  it('every message carries its topic: General, a topic’s creation message, its replies', async () => {
    const topicReply = (id: number, top: number, replyTo = top) =>
      msg(id, {
        replyTo: new Api.MessageReplyHeader({
          forumTopic: true,
          replyToMsgId: replyTo,
          ...(replyTo === top ? {} : { replyToTopId: top }),
        }),
      });
    const got = await fetchFrom({
      megagroup: true,
      forum: true,
      messages: [
        msg(1, { message: 'in General' }),
        new Api.MessageService({
          id: 2,
          peerId: channelPeer,
          date: DATE + 2,
          action: new Api.MessageActionTopicCreate({ title: 'Bugs', iconColor: 1 }),
        }),
        topicReply(3, 2),
        topicReply(4, 2, 3),
      ],
    });
    expect([...got.values()].map((m) => [m.id, m.topic_id]).sort()).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
  });
});

describe('fields kept', () => {
  it('polls with answers, voters, total and closed; audio performer and title; sticker emoji; collapsed blockquotes', async () => {
    const doc = (attributes: Api.TypeDocumentAttribute[]) =>
      new Api.MessageMediaDocument({
        document: new Api.Document({
          id: big(1),
          accessHash: big(1),
          fileReference: Buffer.alloc(0),
          date: DATE,
          mimeType: 'audio/mpeg',
          size: big(10),
          dcId: 2,
          attributes,
        }),
      });
    const got = await fetchFrom({
      messages: [
        msg(1, {
          media: new Api.MessageMediaPoll({
            poll: new Api.Poll({
              id: big(3),
              closed: true,
              question: new Api.TextWithEntities({ text: 'Tabs?', entities: [] }),
              answers: [
                new Api.PollAnswer({
                  text: new Api.TextWithEntities({ text: 'yes', entities: [] }),
                  option: Buffer.from([0]),
                }),
                new Api.PollAnswer({
                  text: new Api.TextWithEntities({ text: 'no', entities: [] }),
                  option: Buffer.from([1]),
                }),
              ],
            }),
            results: new Api.PollResults({
              totalVoters: 7,
              results: [
                new Api.PollAnswerVoters({ option: Buffer.from([0]), voters: 5 }),
                new Api.PollAnswerVoters({ option: Buffer.from([1]), voters: 2 }),
              ],
            }),
          }),
        }),
        msg(2, {
          media: doc([
            new Api.DocumentAttributeAudio({ duration: 3, title: 'Song', performer: 'Band' }),
          ]),
        }),
        msg(3, {
          media: doc([
            new Api.DocumentAttributeSticker({
              alt: '🐍',
              stickerset: new Api.InputStickerSetEmpty(),
            }),
          ]),
        }),
        msg(4, {
          entities: [new Api.MessageEntityBlockquote({ offset: 0, length: 2, collapsed: true })],
        }),
      ],
    });
    expect(got.get(1)?.media).toMatchObject({
      kind: 'poll',
      question: 'Tabs?',
      answers: [
        { text: 'yes', voters: 5 },
        { text: 'no', voters: 2 },
      ],
      total_voters: 7,
      closed: true,
    });
    expect(got.get(2)?.media).toMatchObject({ kind: 'audio', title: 'Song', performer: 'Band' });
    expect(got.get(3)?.media).toMatchObject({ kind: 'sticker', emoji: '🐍' });
    expect(got.get(4)?.entities).toEqual([
      { type: 'blockquote', offset: 0, length: 2, collapsed: true },
    ]);
  });
});
