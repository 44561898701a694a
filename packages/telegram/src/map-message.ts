import {
  type BigId,
  isoSeconds,
  type TgEntity,
  type TgForward,
  type TgMedia,
  type TgMessage,
  type TgPeer,
  type TgReaction,
} from '@tgfetch/core';
import { Api } from 'telegram';
import { markedId, samePeer, toBigId, toPeer } from './ids.js';

/** What a message alone does not say: where it was read and what kind of chat that is. */
export interface MapContext {
  /** The chat was a forum when read: messages outside any topic are in General (id 1). */
  forum?: boolean;
  /** The message belongs to this peer, not to the chat (a migrated group's history). */
  peer?: TgPeer;
  /** The account itself: the sender of its own (`out`) messages in a private chat. */
  self?: TgPeer;
}

/** gramjs' own rule (`Message.senderId`): `fromId`, else the chat for posts and incoming private messages. */
function senderOf(message: Api.Message | Api.MessageService): Api.TypePeer | undefined {
  if (message.fromId) return message.fromId;
  return message.senderId !== undefined ? message.peerId : undefined;
}

/**
 * Maps gramjs' `Api.Message` / `Api.MessageService` to the message JSON of the contract.
 * `Api.MessageEmpty` (a deleted id) maps to `undefined`. Optional fields appear only when
 * Telegram sent them, so a day file holds no columns of nulls for a plain chat.
 */
export function mapMessage(
  message: Api.TypeMessage,
  chat: string,
  context: MapContext = {},
): TgMessage | undefined {
  if (message instanceof Api.MessageEmpty) return undefined;
  const service = message instanceof Api.MessageService;
  const from = toPeer(senderOf(message)) ?? (message.out ? (context.self ?? null) : null);
  const reply = message.replyTo instanceof Api.MessageReplyHeader ? message.replyTo : undefined;
  const replyPeer = toPeer(reply?.replyToPeerId);
  const elsewhere = replyPeer && !samePeer(replyPeer, toPeer(message.peerId));
  const out: TgMessage = {
    id: message.id,
    date: isoSeconds(message.date * 1000),
    chat,
    type: service ? 'service' : 'message',
    from_id: from?.id ?? null,
    from,
    ...(context.peer ? { peer: context.peer } : {}),
    text: service ? '' : (message.message ?? ''),
    reply_to: elsewhere ? null : (reply?.replyToMsgId ?? null),
    ...(elsewhere
      ? { reply_to_peer: { peer: replyPeer, message_id: reply?.replyToMsgId ?? null } }
      : {}),
    views: message.views ?? null,
    forwards: message.forwards ?? null,
    replies_count: message.replies?.replies ?? null,
    entities: (message.entities ?? []).map(mapEntity),
  };
  if (message.editDate) out.edit_date = isoSeconds(message.editDate * 1000);
  if (message.fwdFrom) out.forward = mapForward(message.fwdFrom);
  const media = message.media ? mapMedia(message.media) : undefined;
  if (media) out.media = media;
  if (message.groupedId) out.grouped_id = toBigId(message.groupedId);
  if (message.postAuthor) out.post_author = message.postAuthor;
  const topic = topicId(message, context.forum ?? false);
  if (topic !== undefined) out.topic_id = topic;
  if (service && message.action) out.action = mapAction(message.action);
  // A post whose comments live in a discussion group names the group (by its marked id).
  const replies = message.replies;
  if (replies?.comments && replies.channelId) {
    out.comments = { chat: markedId('channel', replies.channelId), count: replies.replies };
  }
  const reactions = message.reactions?.results.map(mapReaction);
  if (reactions && reactions.length > 0) out.reactions = reactions;
  return out;
}

/** General is topic 1 and has no creation message; a topic's creation message opens it. */
const GENERAL_TOPIC = 1;

function topicId(message: Api.Message | Api.MessageService, forum: boolean): number | undefined {
  const reply = message.replyTo;
  if (reply instanceof Api.MessageReplyHeader && reply.forumTopic) {
    return reply.replyToTopId ?? reply.replyToMsgId;
  }
  if (
    message instanceof Api.MessageService &&
    message.action instanceof Api.MessageActionTopicCreate
  ) {
    return message.id;
  }
  return forum ? GENERAL_TOPIC : undefined;
}

/** `MessageEntityTextUrl` → `text_url`, `MessageActionChatAddUser` → `chat_add_user`. */
export function snakeName(className: string, prefix: string): string {
  const name = className.startsWith(prefix) ? className.slice(prefix.length) : className;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

export function mapEntity(entity: Api.TypeMessageEntity): TgEntity {
  const out: TgEntity = {
    type: snakeName(entity.className, 'MessageEntity'),
    offset: entity.offset,
    length: entity.length,
  };
  if (entity instanceof Api.MessageEntityTextUrl) out.url = entity.url;
  if (entity instanceof Api.MessageEntityMentionName) out.user_id = toBigId(entity.userId);
  if (entity instanceof Api.MessageEntityPre && entity.language) out.language = entity.language;
  if (entity instanceof Api.MessageEntityCustomEmoji)
    out.custom_emoji_id = String(entity.documentId);
  if (entity instanceof Api.MessageEntityBlockquote && entity.collapsed) out.collapsed = true;
  return out;
}

function mapForward(header: Api.TypeMessageFwdHeader): TgForward {
  const out: TgForward = {};
  const from = toPeer(header.fromId);
  if (from) {
    out.from_id = from.id;
    out.from = from;
  }
  if (header.fromName) out.from_name = header.fromName;
  if (header.date) out.date = isoSeconds(header.date * 1000);
  if (header.channelPost) out.channel_post = header.channelPost;
  if (header.postAuthor) out.post_author = header.postAuthor;
  const saved = toPeer(header.savedFromPeer);
  if (saved) out.saved_from = { peer: saved, message_id: header.savedFromMsgId ?? null };
  if (header.imported) out.imported = true;
  return out;
}

function mapReaction(count: Api.TypeReactionCount): TgReaction {
  const { reaction } = count;
  const name =
    reaction instanceof Api.ReactionEmoji
      ? reaction.emoticon
      : reaction instanceof Api.ReactionCustomEmoji
        ? `custom:${String(reaction.documentId)}`
        : reaction instanceof Api.ReactionPaid
          ? 'paid'
          : snakeName(reaction.className, 'Reaction');
  return { reaction: name, count: count.count };
}

const TL_KEYS = new Set([
  'CONSTRUCTOR_ID',
  'SUBCLASS_OF_ID',
  'className',
  'classType',
  'originalArgs',
  'flags',
  'flags2',
]);

/**
 * A service action: its kind from the class name and its simple fields (strings, numbers,
 * booleans, ids, lists of ids) in snake case; nested objects (photos, call details) are
 * left out rather than dumped half-understood.
 */
export function mapAction(action: Api.TypeMessageAction): { type: string; [key: string]: unknown } {
  const out: { type: string; [key: string]: unknown } = {
    type: snakeName(action.className, 'MessageAction'),
  };
  for (const [key, value] of Object.entries(action)) {
    if (TL_KEYS.has(key) || value === undefined || value === null) continue;
    const simple = simpleValue(value);
    if (simple !== undefined) out[snakeName(key, '')] = simple;
  }
  return out;
}

function simpleValue(value: unknown): string | number | boolean | BigId[] | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return value.every(isLong) ? value.map((v) => toBigId(v)) : undefined;
  if (isLong(value)) return toBigId(value);
  return undefined;
}

function isLong(value: unknown): value is { toString(): string } {
  // big-integer values (native-BigInt backed or not) all carry these methods.
  const v = value as { toJSNumber?: unknown; compareAbs?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.toJSNumber === 'function' &&
    typeof v.compareAbs === 'function'
  );
}

/** Media with the fields of its kind beyond core's common ones (coordinates, poll answers…). */
export interface TelegramMedia extends TgMedia {
  [extra: string]: unknown;
}

export function mapMedia(media: Api.TypeMessageMedia): TelegramMedia | undefined {
  if (media instanceof Api.MessageMediaEmpty) return undefined;
  if (media instanceof Api.MessageMediaPhoto) return mapPhoto(media.photo);
  if (media instanceof Api.MessageMediaDocument) return mapDocument(media);
  if (media instanceof Api.MessageMediaPoll) return mapPoll(media);
  if (media instanceof Api.MessageMediaVenue) {
    return { kind: 'venue', title: media.title, address: media.address, ...point(media.geo) };
  }
  if (media instanceof Api.MessageMediaGeo || media instanceof Api.MessageMediaGeoLive) {
    return { kind: media instanceof Api.MessageMediaGeo ? 'geo' : 'geo_live', ...point(media.geo) };
  }
  if (media instanceof Api.MessageMediaContact) {
    const out: TelegramMedia = {
      kind: 'contact',
      first_name: media.firstName,
      last_name: media.lastName,
      phone_number: media.phoneNumber,
    };
    if (media.userId && !media.userId.isZero()) out.user_id = toBigId(media.userId);
    return out;
  }
  if (media instanceof Api.MessageMediaWebPage) {
    const page = media.webpage;
    const out: TelegramMedia = { kind: 'webpage' };
    if ('url' in page && page.url) out.url = page.url;
    if (page instanceof Api.WebPage) {
      if (page.title) out.title = page.title;
      if (page.siteName) out.site_name = page.siteName;
    }
    return out;
  }
  if (media instanceof Api.MessageMediaDice) {
    return { kind: 'dice', emoticon: media.emoticon, value: media.value };
  }
  return { kind: snakeName(media.className, 'MessageMedia') };
}

function mapPoll({ poll, results }: Api.MessageMediaPoll): TelegramMedia {
  const answers = poll.answers.map((answer) => {
    const result = results.results?.find((r) => r.option.equals(answer.option));
    const out: { text: string; voters?: number; correct?: boolean } = { text: answer.text.text };
    if (result) out.voters = result.voters;
    if (result?.correct) out.correct = true;
    return out;
  });
  const out: TelegramMedia = {
    kind: 'poll',
    id: toBigId(poll.id),
    question: poll.question.text,
    title: poll.question.text,
    answers,
    closed: poll.closed ?? false,
    quiz: poll.quiz ?? false,
  };
  if (results.totalVoters !== undefined) out.total_voters = results.totalVoters;
  return out;
}

function point(geo: Api.TypeGeoPoint): { latitude?: number; longitude?: number } {
  return geo instanceof Api.GeoPoint ? { latitude: geo.lat, longitude: geo.long } : {};
}

function mapPhoto(photo: Api.TypePhoto | undefined): TelegramMedia {
  const out: TelegramMedia = { kind: 'photo' };
  if (!(photo instanceof Api.Photo)) return out;
  out.id = toBigId(photo.id);
  let best: { w: number; h: number; size: number } | undefined;
  for (const size of photo.sizes) {
    const bytes =
      size instanceof Api.PhotoSize
        ? size.size
        : size instanceof Api.PhotoSizeProgressive
          ? Math.max(0, ...size.sizes)
          : undefined;
    if (bytes === undefined || !('w' in size)) continue;
    if (!best || size.w * size.h > best.w * best.h) best = { w: size.w, h: size.h, size: bytes };
  }
  if (best) {
    out.width = best.w;
    out.height = best.h;
    out.size = best.size;
  }
  return out;
}

function mapDocument(media: Api.MessageMediaDocument): TelegramMedia {
  const doc = media.document;
  if (!(doc instanceof Api.Document)) return { kind: 'document' };
  let kind = 'document';
  const out: TelegramMedia = {
    kind,
    id: toBigId(doc.id),
    mime_type: doc.mimeType,
    size: Number(String(doc.size)),
  };
  for (const attr of doc.attributes) {
    if (attr instanceof Api.DocumentAttributeFilename) out.file_name = attr.fileName;
    else if (attr instanceof Api.DocumentAttributeSticker) {
      kind = 'sticker';
      if (attr.alt) out.emoji = attr.alt;
    } else if (attr instanceof Api.DocumentAttributeAnimated)
      kind = kind === 'sticker' ? kind : 'animation';
    else if (attr instanceof Api.DocumentAttributeVideo) {
      if (kind === 'document') kind = attr.roundMessage ? 'video_note' : 'video';
      out.duration = attr.duration;
      out.width = attr.w;
      out.height = attr.h;
    } else if (attr instanceof Api.DocumentAttributeAudio) {
      kind = attr.voice ? 'voice' : 'audio';
      out.duration = attr.duration;
      if (attr.title) out.title = attr.title;
      if (attr.performer) out.performer = attr.performer;
    } else if (attr instanceof Api.DocumentAttributeImageSize) {
      out.width ??= attr.w;
      out.height ??= attr.h;
    }
  }
  // An animation (GIF) also carries a video attribute; the animated flag wins.
  if (doc.attributes.some((a) => a instanceof Api.DocumentAttributeAnimated) && kind === 'video') {
    kind = 'animation';
  }
  out.kind = kind;
  return out;
}
