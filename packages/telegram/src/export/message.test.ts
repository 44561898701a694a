import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json-walker.js';
import { createWallClock } from './local-time.js';
import { type ExportMessage, exportTime, toTgMessage } from './message.js';
import { markedChat, peerId } from './peer.js';
import { messageText } from './text.js';

const utc = createWallClock('UTC');
const raw = (m: Record<string, unknown>) => m as ExportMessage;
const map = (m: Record<string, unknown>) =>
  toTgMessage(raw(m), '-1001234567890', exportTime(raw(m), 'date', utc)!, utc);

describe('export message mapping', () => {
  it('joins text pieces and counts entity offsets in UTF-16 code units', () => {
    const pieces: JsonValue[] = [
      '😀 hi ',
      { type: 'bold', text: 'жир😀' },
      ' ',
      { type: 'text_link', text: 'link', href: 'https://example.org' },
      { type: 'link', text: 'https://t.me' },
      { type: 'mention_name', text: 'Bob', user_id: 555 },
      { type: 'pre', text: 'x = 1', language: 'python' },
      { type: 'strikethrough', text: 'no' },
      { type: 'custom_emoji', text: '👍', document_id: 'stickers/sticker.webp' },
      { type: 'custom_emoji', text: '👎', document_id: '5368324170671202286' },
      { type: 'plain', text: '' },
    ];
    const { text, entities } = messageText({ text: pieces });
    expect(text).toBe('😀 hi жир😀 linkhttps://t.meBobx = 1no👍👎');
    expect(entities).toEqual([
      { type: 'bold', offset: 6, length: 5 },
      { type: 'text_url', offset: 12, length: 4, url: 'https://example.org' },
      { type: 'url', offset: 16, length: 12 },
      { type: 'mention_name', offset: 28, length: 3, user_id: 555 },
      { type: 'pre', offset: 31, length: 5, language: 'python' },
      { type: 'strike', offset: 36, length: 2 },
      { type: 'custom_emoji', offset: 38, length: 2 },
      { type: 'custom_emoji', offset: 40, length: 2, custom_emoji_id: '5368324170671202286' },
    ]);
    for (const e of entities) expect(text.slice(e.offset, e.offset + e.length)).not.toBe('');
    expect(text.slice(6, 11)).toBe('жир😀');
  });

  it('prefers text_entities over text', () => {
    const { text, entities } = messageText({
      text: 'stale',
      text_entities: [
        { type: 'plain', text: 'see ' },
        { type: 'hashtag', text: '#tag' },
      ],
    });
    expect(text).toBe('see #tag');
    expect(entities).toEqual([{ type: 'hashtag', offset: 4, length: 4 }]);
  });

  it('maps a plain message with edit, reply, forward, author and reactions', () => {
    const m = map({
      id: 17,
      type: 'message',
      date: '2024-09-29T18:16:18',
      date_unixtime: '1727604978',
      edited: '2024-10-13T09:52:02',
      edited_unixtime: '1728784322',
      from: 'Channel',
      from_id: 'channel2447843635',
      author: 'Anna',
      forwarded_from: 'Other',
      forwarded_from_id: 'user99',
      reply_to_message_id: 16,
      views: 120,
      forwards: 3,
      text: 'hello',
      text_entities: [{ type: 'plain', text: 'hello' }],
      reactions: [
        { type: 'emoji', count: 2, emoji: '👍' },
        { type: 'custom_emoji', count: 1, document_id: '123' },
        { type: 'paid', count: 5 },
      ],
    });
    expect(m).toEqual({
      id: 17,
      date: '2024-09-29T10:16:18Z',
      chat: '-1001234567890',
      type: 'message',
      from_id: 2447843635,
      from: { kind: 'channel', id: 2447843635 },
      from_name: 'Channel',
      text: 'hello',
      edit_date: '2024-10-13T01:52:02Z',
      reply_to: 16,
      views: 120,
      forwards: 3,
      post_author: 'Anna',
      forward: { from_id: 99, from: { kind: 'user', id: 99 }, from_name: 'Other' },
      reactions: [
        { reaction: '👍', count: 2 },
        { reaction: 'custom:123', count: 1 },
        { reaction: 'paid', count: 5 },
      ],
    });
  });

  it('maps a service message to its action', () => {
    const m = map({
      id: 5,
      type: 'service',
      date: '2025-11-03T21:19:10',
      date_unixtime: '1762201150',
      actor: 'Channel',
      actor_id: 'channel3204528972',
      action: 'pin_message',
      message_id: 4,
      text: '',
      text_entities: [],
    });
    expect(m).toEqual({
      id: 5,
      date: '2025-11-03T20:19:10Z',
      chat: '-1001234567890',
      type: 'service',
      from_id: 3204528972,
      from: { kind: 'channel', id: 3204528972 },
      from_name: 'Channel',
      text: '',
      action: { type: 'pin_message', message_id: 4 },
    });
    const photo = map({
      id: 2,
      type: 'service',
      date_unixtime: '1762200658',
      actor_id: 'channel1',
      action: 'edit_group_photo',
      photo: '(File not included. Change data exporting settings to download.)',
      width: 640,
      height: 640,
      text: '',
    });
    expect(photo.media).toBeUndefined();
    expect(photo.action).toMatchObject({ type: 'chat_edit_photo', width: 640, height: 640 });
  });

  it.each([
    [
      {
        media_type: 'video_file',
        file_name: 'a.mp4',
        file_size: 1944870650,
        mime_type: 'video/mp4',
        duration_seconds: 4760,
        width: 1280,
        height: 720,
        file: 'x',
      },
      {
        kind: 'video',
        file_name: 'a.mp4',
        size: 1944870650,
        mime_type: 'video/mp4',
        duration: 4760,
        width: 1280,
        height: 720,
      },
    ],
    [
      { media_type: 'video_message', file: 'x', duration_seconds: 58 },
      { kind: 'video_note', duration: 58 },
    ],
    [
      { media_type: 'voice_message', file: 'x', mime_type: 'audio/ogg' },
      { kind: 'voice', mime_type: 'audio/ogg' },
    ],
    [
      { media_type: 'audio_file', file: 'x', title: 'Song' },
      { kind: 'audio', title: 'Song' },
    ],
    [
      { media_type: 'sticker', file: 'x', sticker_emoji: '😀' },
      { kind: 'sticker', emoji: '😀' },
    ],
    [
      { photo: 'photos/p.jpg', photo_file_size: 176179, width: 640, height: 480 },
      { kind: 'photo', size: 176179, width: 640, height: 480 },
    ],
    [
      { file: 'files/a.pdf', file_name: 'a.pdf', mime_type: 'application/pdf' },
      { kind: 'document', file_name: 'a.pdf', mime_type: 'application/pdf' },
    ],
    [
      { poll: { question: 'Why?', closed: false, answers: [] } },
      { kind: 'poll', title: 'Why?', question: 'Why?', closed: false, answers: [] },
    ],
    [{ location_information: { latitude: 1, longitude: 2 } }, { kind: 'geo' }],
    [{ contact_information: { first_name: 'A' } }, { kind: 'contact' }],
  ])('maps media %j', (fields, media) => {
    expect(
      map({ id: 1, type: 'message', date_unixtime: '1700000000', text: '', ...fields }).media,
    ).toEqual(media);
  });

  it('reads old exports: naive local date, numeric or missing from_id, text only', () => {
    const berlin = createWallClock('Europe/Berlin');
    const old = raw({
      id: 9,
      type: 'message',
      date: '2020-09-26T12:00:00',
      edited: '2020-09-26T13:00:00',
      from: 'Channel',
      from_id: 9706227251,
      text: ['a ', { type: 'italic', text: 'b' }],
    });
    const m = toTgMessage(old, '-1001', exportTime(old, 'date', berlin)!, berlin);
    expect(m.date).toBe('2020-09-26T10:00:00Z');
    expect(m.edit_date).toBe('2020-09-26T11:00:00Z');
    expect(m.from_id).toBe(9706227251);
    expect(m.entities).toEqual([{ type: 'italic', offset: 2, length: 1 }]);
    const anonymous = map({ id: 3, type: 'message', date: '2020-09-26T12:00:00', text: 'x' });
    expect(anonymous.from_id).toBeNull();
    expect(anonymous.date).toBe('2020-09-26T12:00:00Z');
  });

  it('reads peer ids and marks chat ids', () => {
    expect(peerId('user123')).toBe(123);
    expect(peerId('channel1878264527')).toBe(1878264527);
    expect(peerId('chat42')).toBe(42);
    expect(peerId('user12345678901234567890')).toBe('12345678901234567890');
    expect(peerId('bot1')).toBeUndefined();
    expect(peerId(null)).toBeUndefined();
    expect(markedChat(1878264527, 'public_channel')).toBe('-1001878264527');
    expect(markedChat(55, 'private_supergroup')).toBe('-10055');
    expect(markedChat(55, 'private_group')).toBe('-55');
    expect(markedChat(55, 'personal_chat')).toBe('55');
    expect(markedChat('12345678901234567890', 'bot_chat')).toBe('12345678901234567890');
  });
});
