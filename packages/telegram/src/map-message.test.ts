import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { mapMessage } from './map-message.js';

const big = returnBigInt;
const peerId = new Api.PeerChannel({ channelId: big(1234567890) });
const DATE = Date.parse('2025-11-07T10:23:45Z') / 1000;

describe('mapMessage', () => {
  it('maps a message with entities, reply, counters, edit, forward, album, topic and reactions', () => {
    const message = new Api.Message({
      id: 123,
      peerId,
      date: DATE,
      fromId: new Api.PeerUser({ userId: big(4567890) }),
      message: 'see https://example.com and the docs',
      entities: [
        new Api.MessageEntityUrl({ offset: 4, length: 19 }),
        new Api.MessageEntityTextUrl({ offset: 28, length: 4, url: 'https://docs.example.com' }),
        new Api.MessageEntityMentionName({ offset: 0, length: 3, userId: big('9007199254740993') }),
        new Api.MessageEntityPre({ offset: 0, length: 3, language: 'ts' }),
        new Api.MessageEntityCustomEmoji({
          offset: 0,
          length: 2,
          documentId: big('5368324170671202286'),
        }),
        new Api.MessageEntityBotCommand({ offset: 0, length: 3 }),
      ],
      replyTo: new Api.MessageReplyHeader({
        replyToMsgId: 122,
        forumTopic: true,
        replyToTopId: 100,
      }),
      views: 1234,
      forwards: 12,
      replies: new Api.MessageReplies({ replies: 5, repliesPts: 1 }),
      editDate: DATE + 60,
      postAuthor: 'Editor',
      groupedId: big('13000000000000000001'),
      fwdFrom: new Api.MessageFwdHeader({
        date: DATE - 3600,
        fromId: new Api.PeerChannel({ channelId: big(777) }),
        channelPost: 42,
        postAuthor: 'Someone',
      }),
      reactions: new Api.MessageReactions({
        results: [
          new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '👍' }), count: 10 }),
          new Api.ReactionCount({
            reaction: new Api.ReactionCustomEmoji({ documentId: big('5368324170671202286') }),
            count: 2,
          }),
          new Api.ReactionCount({ reaction: new Api.ReactionPaid(), count: 3 }),
        ],
      }),
    });
    expect(mapMessage(message, '@ru_python')).toEqual({
      id: 123,
      date: '2025-11-07T10:23:45Z',
      chat: '@ru_python',
      type: 'message',
      from_id: 4567890,
      from: { kind: 'user', id: 4567890 },
      text: 'see https://example.com and the docs',
      reply_to: 122,
      views: 1234,
      forwards: 12,
      replies_count: 5,
      entities: [
        { type: 'url', offset: 4, length: 19 },
        { type: 'text_url', offset: 28, length: 4, url: 'https://docs.example.com' },
        { type: 'mention_name', offset: 0, length: 3, user_id: '9007199254740993' },
        { type: 'pre', offset: 0, length: 3, language: 'ts' },
        { type: 'custom_emoji', offset: 0, length: 2, custom_emoji_id: '5368324170671202286' },
        { type: 'bot_command', offset: 0, length: 3 },
      ],
      edit_date: '2025-11-07T10:24:45Z',
      forward: {
        from_id: 777,
        from: { kind: 'channel', id: 777 },
        date: '2025-11-07T09:23:45Z',
        channel_post: 42,
        post_author: 'Someone',
      },
      grouped_id: '13000000000000000001',
      post_author: 'Editor',
      topic_id: 100,
      reactions: [
        { reaction: '👍', count: 10 },
        { reaction: 'custom:5368324170671202286', count: 2 },
        { reaction: 'paid', count: 3 },
      ],
    });
  });

  it('keeps 64-bit ids beyond 2^53 exact and safe ones as numbers', () => {
    const message = new Api.Message({
      id: 1,
      peerId,
      date: DATE,
      message: '',
      fromId: new Api.PeerUser({ userId: big('9223372036854775807') }),
      media: new Api.MessageMediaDocument({
        document: new Api.Document({
          id: big('6000000000000000123'),
          accessHash: big(1),
          fileReference: Buffer.alloc(0),
          date: DATE,
          mimeType: 'application/pdf',
          size: big(2048),
          dcId: 2,
          attributes: [new Api.DocumentAttributeFilename({ fileName: 'report.pdf' })],
        }),
      }),
    });
    const mapped = mapMessage(message, '-1001234567890')!;
    expect(mapped.from_id).toBe('9223372036854775807');
    expect(mapped.media).toEqual({
      kind: 'document',
      id: '6000000000000000123',
      mime_type: 'application/pdf',
      size: 2048,
      file_name: 'report.pdf',
    });
    expect(JSON.parse(JSON.stringify(mapped)).from_id).toBe('9223372036854775807');
  });

  const document = (mimeType: string, attributes: Api.TypeDocumentAttribute[]) =>
    new Api.MessageMediaDocument({
      document: new Api.Document({
        id: big(5),
        accessHash: big(1),
        fileReference: Buffer.alloc(0),
        date: DATE,
        mimeType,
        size: big(100),
        dcId: 2,
        attributes,
      }),
    });

  it.each([
    [
      'photo',
      new Api.MessageMediaPhoto({
        photo: new Api.Photo({
          id: big(9),
          accessHash: big(1),
          fileReference: Buffer.alloc(0),
          date: DATE,
          dcId: 2,
          sizes: [
            new Api.PhotoSize({ type: 'm', w: 320, h: 240, size: 1000 }),
            new Api.PhotoSizeProgressive({ type: 'y', w: 1280, h: 960, sizes: [10, 5000, 9000] }),
          ],
        }),
      }),
      { kind: 'photo', id: 9, width: 1280, height: 960, size: 9000 },
    ],
    [
      'video',
      document('video/mp4', [new Api.DocumentAttributeVideo({ duration: 12.5, w: 640, h: 360 })]),
      {
        kind: 'video',
        id: 5,
        mime_type: 'video/mp4',
        size: 100,
        duration: 12.5,
        width: 640,
        height: 360,
      },
    ],
    [
      'voice',
      document('audio/ogg', [new Api.DocumentAttributeAudio({ voice: true, duration: 7 })]),
      { kind: 'voice', id: 5, mime_type: 'audio/ogg', size: 100, duration: 7 },
    ],
    [
      'sticker',
      document('image/webp', [
        new Api.DocumentAttributeSticker({ alt: '😀', stickerset: new Api.InputStickerSetEmpty() }),
        new Api.DocumentAttributeImageSize({ w: 512, h: 512 }),
      ]),
      {
        kind: 'sticker',
        id: 5,
        mime_type: 'image/webp',
        size: 100,
        width: 512,
        height: 512,
        emoji: '😀',
      },
    ],
    [
      'animation',
      document('video/mp4', [
        new Api.DocumentAttributeVideo({ duration: 2, w: 200, h: 200 }),
        new Api.DocumentAttributeAnimated(),
      ]),
      {
        kind: 'animation',
        id: 5,
        mime_type: 'video/mp4',
        size: 100,
        duration: 2,
        width: 200,
        height: 200,
      },
    ],
    [
      'poll',
      new Api.MessageMediaPoll({
        poll: new Api.Poll({
          id: big(3),
          question: new Api.TextWithEntities({ text: 'Tabs?', entities: [] }),
          answers: [
            new Api.PollAnswer({
              text: new Api.TextWithEntities({ text: 'yes', entities: [] }),
              option: Buffer.from([0]),
            }),
          ],
        }),
        results: new Api.PollResults({ totalVoters: 4 }),
      }),
      {
        kind: 'poll',
        id: 3,
        title: 'Tabs?',
        question: 'Tabs?',
        answers: [{ text: 'yes' }],
        closed: false,
        quiz: false,
        total_voters: 4,
      },
    ],
    [
      'geo',
      new Api.MessageMediaGeo({
        geo: new Api.GeoPoint({ lat: 55.7, long: 37.6, accessHash: big(0) }),
      }),
      { kind: 'geo', latitude: 55.7, longitude: 37.6 },
    ],
    [
      'contact',
      new Api.MessageMediaContact({
        phoneNumber: '+100',
        firstName: 'A',
        lastName: 'B',
        vcard: '',
        userId: big(0),
      }),
      { kind: 'contact', first_name: 'A', last_name: 'B', phone_number: '+100' },
    ],
    [
      'webpage',
      new Api.MessageMediaWebPage({
        webpage: new Api.WebPage({
          id: big(1),
          url: 'https://e.com/a',
          displayUrl: 'e.com/a',
          hash: 0,
          title: 'A',
          siteName: 'E',
        }),
      }),
      { kind: 'webpage', url: 'https://e.com/a', title: 'A', site_name: 'E' },
    ],
    [
      'dice',
      new Api.MessageMediaDice({ value: 6, emoticon: '🎲' }),
      { kind: 'dice', emoticon: '🎲', value: 6 },
    ],
    ['unsupported', new Api.MessageMediaUnsupported(), { kind: 'unsupported' }],
  ])('maps %s media', (_, media, expected) => {
    const mapped = mapMessage(
      new Api.Message({ id: 2, peerId, date: DATE, message: '', media }),
      '@c',
    );
    expect(mapped?.media).toEqual(expected);
  });

  it('maps service messages with their action and skips empty ones', () => {
    const add = new Api.MessageService({
      id: 7,
      peerId,
      date: DATE,
      fromId: new Api.PeerUser({ userId: big(5) }),
      action: new Api.MessageActionChatAddUser({ users: [big(5), big('9223372036854775000')] }),
    });
    expect(mapMessage(add, '@c')).toMatchObject({
      id: 7,
      type: 'service',
      text: '',
      from_id: 5,
      action: { type: 'chat_add_user', users: [5, '9223372036854775000'] },
    });
    const topic = new Api.MessageService({
      id: 8,
      peerId,
      date: DATE,
      action: new Api.MessageActionTopicCreate({ title: 'News', iconColor: 7 }),
    });
    expect(mapMessage(topic, '@c')?.action).toEqual({
      type: 'topic_create',
      title: 'News',
      icon_color: 7,
    });
    const pin = new Api.MessageService({
      id: 9,
      peerId,
      date: DATE,
      action: new Api.MessageActionPinMessage(),
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: 3 }),
    });
    expect(mapMessage(pin, '@c')).toMatchObject({
      action: { type: 'pin_message' },
      reply_to: 3,
      from_id: null,
    });
    expect(mapMessage(new Api.MessageEmpty({ id: 10 }), '@c')).toBeUndefined();
  });

  it('takes a forum topic from replyToMsgId when the reply is to the topic itself', () => {
    const message = new Api.Message({
      id: 11,
      peerId,
      date: DATE,
      message: 'in topic',
      replyTo: new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: 50 }),
    });
    expect(mapMessage(message, '@c')).toMatchObject({ topic_id: 50, reply_to: 50 });
  });
});
