import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import type { ChatPlan } from './chat-plan.js';
import { hash32, mulberry32, pick } from './prng.js';

const WORDS = [
  'hello',
  'release',
  'python',
  'asyncio',
  'benchmark',
  'merge',
  'review',
  'deploy',
  'cache',
  'привет',
  'спасибо',
  'вопрос',
  'ошибка',
  'работает',
  '🎉',
  '👍',
  'typescript',
  'redis',
  'queue',
  'tomorrow',
  'today',
  'meeting',
  'draft',
  'docs',
  'issue',
  'fixed',
  'thanks',
  'why',
  'how',
];
const big = (value: string | number | bigint) => returnBigInt(value);
const noBytes = Buffer.alloc(0);

/** The users who write in a generated supergroup (a small, fixed crowd per chat). */
export function simulatedUser(plan: ChatPlan, index: number): Api.User {
  const id = 100_000_000 + (hash32(plan.seed, 'user', index) % 900_000_000);
  return new Api.User({
    id: big(id),
    accessHash: big(String(BigInt(hash32(plan.seed, 'user-hash', index)) << 20n)),
    firstName: `User${index}`,
    username: `sim_user_${index}_${plan.seed % 1000}`,
  });
}

export const USERS_PER_CHAT = 40;

export function simulatedChannel(plan: ChatPlan): Api.Channel {
  return new Api.Channel({
    id: big(plan.channelId),
    accessHash: big(plan.accessHash),
    title: plan.title,
    username: plan.username,
    photo: new Api.ChatPhotoEmpty(),
    date: plan.startSec,
    broadcast: plan.kind === 'channel',
    megagroup: plan.kind === 'supergroup',
  });
}

const SERVICE_SHARE = 0.03;

/** Whether id `id` of a generated chat is a service message (the first draw of its PRNG). */
export function isServiceId(plan: ChatPlan, id: number): boolean {
  return mulberry32(hash32(plan.seed, 'message', id))() < SERVICE_SHARE;
}

/**
 * Builds message `id` of a generated chat. Every detail comes from a PRNG seeded with the
 * chat seed and the id, so a message is the same whenever and however often it is built.
 */
export function buildMessage(
  plan: ChatPlan,
  id: number,
  date: number,
): Api.Message | Api.MessageService {
  const random = mulberry32(hash32(plan.seed, 'message', id));
  const group = plan.kind === 'supergroup';
  const peerId = new Api.PeerChannel({ channelId: big(plan.channelId) });
  const userIndex = Math.floor(random() * USERS_PER_CHAT);
  const fromId = group
    ? new Api.PeerUser({ userId: simulatedUser(plan, userIndex).id })
    : undefined;
  const earlier = (span: number) => Math.max(1, id - 1 - Math.floor(random() * span));

  if (random() < SERVICE_SHARE) {
    const roll = random();
    const pinned = roll < 0.4 && id > 1;
    const action = pinned
      ? new Api.MessageActionPinMessage()
      : group
        ? new Api.MessageActionChatAddUser({ users: [simulatedUser(plan, userIndex).id] })
        : new Api.MessageActionChatEditTitle({ title: `${plan.title} (${id})` });
    return new Api.MessageService({
      id,
      peerId,
      date,
      action,
      post: !group,
      ...(fromId ? { fromId } : {}),
      ...(pinned ? { replyTo: new Api.MessageReplyHeader({ replyToMsgId: earlier(50) }) } : {}),
    });
  }

  const words = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(random, WORDS));
  let text = words.join(' ');
  const entities: Api.TypeMessageEntity[] = [];
  if (random() < 0.15) {
    const url = `https://example.com/p/${id}`;
    entities.push(new Api.MessageEntityUrl({ offset: text.length + 1, length: url.length }));
    text = `${text} ${url}`;
  }
  if (random() < 0.1)
    entities.push(new Api.MessageEntityBold({ offset: 0, length: words[0]!.length }));

  const album = Math.floor(id / 4);
  const inAlbum = hash32(plan.seed, 'album', album) % 30 === 0;
  const media = inAlbum ? photo(random, id, date) : randomMedia(random, id, date, group);
  const edited = random() < 0.08;
  const forwarded = random() < 0.05;
  const reacted = random() < 0.2;
  const replied = group && random() < 0.25;
  const editDate = edited ? date + 60 + Math.floor(random() * 86_400) : 0;

  return new Api.Message({
    id,
    peerId,
    date,
    message: media && random() < 0.5 ? '' : text,
    entities: media ? [] : entities,
    post: !group,
    ...(fromId ? { fromId } : {}),
    ...(media ? { media } : {}),
    ...(inAlbum ? { groupedId: big(9_000_000_000_000_000_000n + BigInt(album)) } : {}),
    ...(replied ? { replyTo: new Api.MessageReplyHeader({ replyToMsgId: earlier(30) }) } : {}),
    // An edit that falls after `now` has not happened yet.
    ...(edited && editDate < plan.endSec ? { editDate } : {}),
    ...(group
      ? {}
      : {
          views: Math.floor(random() * 5000),
          forwards: Math.floor(random() * 50),
          ...(random() < 0.2 ? { postAuthor: 'Editor' } : {}),
          ...(random() < 0.3
            ? {
                replies: new Api.MessageReplies({
                  replies: Math.floor(random() * 40),
                  repliesPts: 1,
                  comments: true,
                }),
              }
            : {}),
        }),
    ...(forwarded
      ? {
          fwdFrom: new Api.MessageFwdHeader({
            date: date - Math.floor(random() * 1_000_000),
            ...(random() < 0.7
              ? {
                  fromId: new Api.PeerChannel({
                    channelId: big(1_500_000_000 + Math.floor(random() * 1e6)),
                  }),
                  channelPost: 1 + Math.floor(random() * 10_000),
                }
              : { fromName: 'Hidden Sender' }),
          }),
        }
      : {}),
    ...(reacted ? { reactions: reactions(random) } : {}),
  });
}

function reactions(random: () => number): Api.MessageReactions {
  const results = [
    new Api.ReactionCount({
      reaction: new Api.ReactionEmoji({ emoticon: '👍' }),
      count: 1 + Math.floor(random() * 90),
    }),
  ];
  if (random() < 0.3) {
    results.push(
      new Api.ReactionCount({
        reaction: new Api.ReactionCustomEmoji({ documentId: big('5368324170671202286') }),
        count: 1 + Math.floor(random() * 9),
      }),
    );
  }
  return new Api.MessageReactions({ results });
}

function photo(random: () => number, id: number, date: number): Api.MessageMediaPhoto {
  return new Api.MessageMediaPhoto({
    photo: new Api.Photo({
      id: big(5_000_000_000_000_000_000n + BigInt(id)),
      accessHash: big(id),
      fileReference: noBytes,
      date,
      sizes: [
        new Api.PhotoSize({
          type: 'y',
          w: 1280,
          h: 720,
          size: 50_000 + Math.floor(random() * 200_000),
        }),
      ],
      dcId: 2,
    }),
  });
}

function document(
  random: () => number,
  id: number,
  date: number,
  mimeType: string,
  attributes: Api.TypeDocumentAttribute[],
): Api.MessageMediaDocument {
  return new Api.MessageMediaDocument({
    document: new Api.Document({
      id: big(6_000_000_000_000_000_000n + BigInt(id)),
      accessHash: big(id),
      fileReference: noBytes,
      date,
      mimeType,
      size: big(1000 + Math.floor(random() * 20_000_000)),
      dcId: 2,
      attributes,
    }),
  });
}

function randomMedia(
  random: () => number,
  id: number,
  date: number,
  group: boolean,
): Api.TypeMessageMedia | undefined {
  const roll = random();
  if (roll < 0.12) return photo(random, id, date);
  if (roll < 0.16) {
    return document(random, id, date, 'application/pdf', [
      new Api.DocumentAttributeFilename({ fileName: `report-${id}.pdf` }),
    ]);
  }
  if (roll < 0.19) {
    return document(random, id, date, 'video/mp4', [
      new Api.DocumentAttributeVideo({ duration: 5 + Math.floor(random() * 300), w: 1280, h: 720 }),
      new Api.DocumentAttributeFilename({ fileName: `clip-${id}.mp4` }),
    ]);
  }
  if (roll < 0.21 && group) {
    return document(random, id, date, 'audio/ogg', [
      new Api.DocumentAttributeAudio({ voice: true, duration: 1 + Math.floor(random() * 60) }),
    ]);
  }
  if (roll < 0.23 && group) {
    return document(random, id, date, 'image/webp', [
      new Api.DocumentAttributeSticker({ alt: '😀', stickerset: new Api.InputStickerSetEmpty() }),
      new Api.DocumentAttributeImageSize({ w: 512, h: 512 }),
    ]);
  }
  if (roll < 0.24) {
    return new Api.MessageMediaPoll({
      poll: new Api.Poll({
        id: big(id),
        question: new Api.TextWithEntities({ text: `Poll ${id}?`, entities: [] }),
        answers: ['yes', 'no'].map(
          (answer, i) =>
            new Api.PollAnswer({
              text: new Api.TextWithEntities({ text: answer, entities: [] }),
              option: Buffer.from([i]),
            }),
        ),
      }),
      results: new Api.PollResults({ totalVoters: Math.floor(random() * 500) }),
    });
  }
  if (roll < 0.245) {
    return new Api.MessageMediaGeo({
      geo: new Api.GeoPoint({ lat: 55.75 + random(), long: 37.61 + random(), accessHash: big(0) }),
    });
  }
  if (roll < 0.27) {
    return new Api.MessageMediaWebPage({
      webpage: new Api.WebPage({
        id: big(id),
        url: `https://example.com/article/${id}`,
        displayUrl: `example.com/article/${id}`,
        hash: 0,
        title: `Article ${id}`,
        siteName: 'Example',
      }),
    });
  }
  return undefined;
}
