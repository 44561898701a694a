import { messageIssues } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { createWallClock } from './local-time.js';
import { type ExportMessage, exportTime, toTgMessage } from './message.js';

/**
 * The fields a Desktop export has beyond text and dates, shaped as Telegram Desktop
 * writes them (`export_output_json.cpp`), mapped as the gramjs source maps the same
 * message.
 */
const utc = createWallClock('UTC');
const CHAT = '-1001234567890';
const map = (m: Record<string, unknown>) => {
  const raw = {
    id: 10,
    type: 'message',
    date: '2025-11-07T10:00:00',
    date_unixtime: '1762509600',
    text: '',
    text_entities: [],
    ...m,
  } as ExportMessage;
  const message = toTgMessage(raw, CHAT, exportTime(raw, 'date', utc)!, utc);
  expect(messageIssues(message)).toEqual([]);
  return message;
};

describe('export reader: senders and peers', () => {
  it('keeps the kind of a sender: user 777 and channel 777 differ', () => {
    expect(map({ from: 'Ann', from_id: 'user777' }).from).toEqual({ kind: 'user', id: 777 });
    expect(map({ from: 'News', from_id: 'channel777' }).from).toEqual({
      kind: 'channel',
      id: 777,
    });
    expect(
      map({ type: 'service', actor: 'G', actor_id: 'chat5', action: 'pin_message' }).from,
    ).toEqual({ kind: 'chat', id: 5 });
  });

  it('forward origins: a peer with its kind, a hidden sender by name, saved-from', () => {
    expect(map({ forwarded_from: 'Chan', forwarded_from_id: 'channel42' }).forward).toMatchObject({
      from: { kind: 'channel', id: 42 },
      from_name: 'Chan',
    });
    expect(map({ forwarded_from: 'Hidden Person' }).forward).toEqual({
      from_name: 'Hidden Person',
    });
    expect(map({ saved_from: 'Some Channel' }).forward?.saved_from).toEqual({
      name: 'Some Channel',
      message_id: null,
    });
  });

  it('a reply into another chat is not a reply to this chat’s message with that id', () => {
    const own = map({ reply_to_message_id: 7 });
    expect(own.reply_to).toBe(7);
    const sameChat = map({ reply_to_message_id: 7, reply_to_peer_id: 'channel1234567890' });
    expect(sameChat.reply_to).toBe(7);
    const other = map({ reply_to_message_id: 7, reply_to_peer_id: 'channel99' });
    expect(other.reply_to ?? null).toBeNull();
    expect(other.reply_to_peer).toEqual({ peer: { kind: 'channel', id: 99 }, message_id: 7 });
  });
});

describe('export reader: media fields', () => {
  it('polls with question, answers and their voters, total voters and closed', () => {
    const media = map({
      poll: {
        question: 'Tabs?',
        closed: true,
        total_voters: 7,
        answers: [
          { text: 'yes', voters: 5, chosen: true },
          { text: 'no', voters: 2, chosen: false },
        ],
      },
    }).media;
    expect(media).toMatchObject({
      kind: 'poll',
      question: 'Tabs?',
      closed: true,
      total_voters: 7,
      answers: [
        { text: 'yes', voters: 5, chosen: true },
        { text: 'no', voters: 2 },
      ],
    });
  });

  it('audio performer and title, sticker emoji', () => {
    expect(
      map({
        file: 'files/a.mp3',
        media_type: 'audio_file',
        performer: 'Band',
        title: 'Song',
        mime_type: 'audio/mpeg',
      }).media,
    ).toMatchObject({ kind: 'audio', performer: 'Band', title: 'Song' });
    expect(
      map({ file: 'stickers/s.webp', media_type: 'sticker', sticker_emoji: '🐍' }).media,
    ).toMatchObject({ kind: 'sticker', emoji: '🐍' });
  });

  it('a collapsed blockquote stays collapsed', () => {
    const message = map({
      text_entities: [
        { type: 'blockquote', text: 'quoted', collapsed: true },
        { type: 'blockquote', text: 'open', collapsed: false },
      ],
    });
    expect(message.entities).toEqual([
      { type: 'blockquote', offset: 0, length: 6, collapsed: true },
      { type: 'blockquote', offset: 6, length: 4 },
    ]);
  });
});
