import {
  isoSeconds,
  type TgForward,
  type TgMedia,
  type TgMessage,
  type TgReaction,
} from '@tgfetch/core';
import type { JsonValue } from './json-walker.js';
import { peerId, peerOf, peerOfChat } from './peer.js';
import { messageText } from './text.js';

export type ExportMessage = { [key: string]: JsonValue };

/** Turns an exported wall time (`date`, `edited`) into epoch ms; see `local-time.ts`. */
export type WallClock = (wall: string) => number | undefined;

/**
 * Epoch ms of an export time: `*_unixtime` (a string of seconds, every export since 2021)
 * when present, else the naive local `date` read in the reader's time zone.
 */
export function exportTime(
  raw: ExportMessage,
  field: 'date' | 'edited',
  wallClock: WallClock,
): number | undefined {
  const unix = raw[`${field}_unixtime`];
  if (typeof unix === 'string' && /^[0-9]{1,12}$/.test(unix)) return Number(unix) * 1000;
  if (typeof unix === 'number' && Number.isSafeInteger(unix)) return unix * 1000;
  const wall = raw[field];
  return typeof wall === 'string' ? wallClock(wall) : undefined;
}

/** Keys every message shares; what else a service message has describes its action. */
const COMMON_KEYS = new Set([
  'id',
  'type',
  'date',
  'date_unixtime',
  'edited',
  'edited_unixtime',
  'from',
  'from_id',
  'actor',
  'actor_id',
  'action',
  'text',
  'text_entities',
  'reactions',
]);

/**
 * Export action names that differ from the snake-case MTProto names the gramjs source
 * writes (`MessageActionChannelCreate` is `channel_create`); others pass through as is.
 */
const ACTION_TYPES: Record<string, string> = {
  create_channel: 'channel_create',
  create_group: 'chat_create',
  edit_group_title: 'chat_edit_title',
  edit_group_photo: 'chat_edit_photo',
  delete_group_photo: 'chat_delete_photo',
  invite_members: 'chat_add_user',
  remove_members: 'chat_delete_user',
  join_group_by_link: 'chat_joined_by_link',
  join_group_by_request: 'chat_joined_by_request',
  migrate_to_supergroup: 'chat_migrate_to',
  migrate_from_group: 'channel_migrate_from',
  clear_history: 'history_clear',
  score_in_game: 'game_score',
  send_payment: 'payment_sent',
  topic_created: 'topic_create',
};

const MEDIA_KINDS: Record<string, string> = {
  video_file: 'video',
  video_message: 'video_note',
  voice_message: 'voice',
  audio_file: 'audio',
  sticker: 'sticker',
  animation: 'animation',
};

/**
 * Maps one exported message to the contract's message. `time` is its already validated
 * date (the index pass computed it).
 */
export function toTgMessage(
  raw: ExportMessage,
  chat: string,
  time: number,
  wallClock: WallClock,
): TgMessage {
  const service = raw.type === 'service';
  const { text, entities } = messageText(raw);
  const message: TgMessage = {
    id: raw.id as number,
    date: isoSeconds(time),
    chat,
    type: service ? 'service' : 'message',
    from_id: peerId(service ? raw.actor_id : raw.from_id) ?? null,
    text,
  };
  const from = peerOf(service ? raw.actor_id : raw.from_id);
  if (from) message.from = from;
  const name = service ? raw.actor : raw.from;
  if (typeof name === 'string') message.from_name = name;
  if (entities.length > 0) message.entities = entities;
  const edited = exportTime(raw, 'edited', wallClock);
  if (edited !== undefined) message.edit_date = isoSeconds(edited);
  if (typeof raw.reply_to_message_id === 'number') {
    // A reply into another chat names it; its message id is not one of this chat's.
    const replyPeer = peerOf(raw.reply_to_peer_id);
    const own = peerOfChat(chat);
    if (
      replyPeer &&
      !(own && own.kind === replyPeer.kind && String(own.id) === String(replyPeer.id))
    ) {
      message.reply_to = null;
      message.reply_to_peer = { peer: replyPeer, message_id: raw.reply_to_message_id };
    } else {
      message.reply_to = raw.reply_to_message_id;
    }
  }
  if (typeof raw.views === 'number') message.views = raw.views;
  if (typeof raw.forwards === 'number') message.forwards = raw.forwards;
  if (typeof raw.author === 'string') message.post_author = raw.author;
  const forward = forwardOf(raw);
  if (forward) message.forward = forward;
  if (service) {
    message.action = actionOf(raw);
  } else {
    const media = mediaOf(raw);
    if (media) message.media = media;
  }
  const reactions = reactionsOf(raw.reactions);
  if (reactions.length > 0) message.reactions = reactions;
  return message;
}

function actionOf(raw: ExportMessage): { type: string; [key: string]: unknown } {
  const action: { type: string; [key: string]: unknown } = {
    type: typeof raw.action === 'string' ? (ACTION_TYPES[raw.action] ?? raw.action) : 'unknown',
  };
  for (const [key, value] of Object.entries(raw)) {
    if (!COMMON_KEYS.has(key)) action[key] = value;
  }
  return action;
}

function forwardOf(raw: ExportMessage): TgForward | undefined {
  const forwarded = raw.forwarded_from !== undefined || raw.forwarded_from_id !== undefined;
  const saved = raw.saved_from !== undefined || raw.saved_from_id !== undefined;
  if (!forwarded && !saved) return undefined;
  const forward: TgForward = {};
  const fromId = peerId(raw.forwarded_from_id);
  if (fromId !== undefined) forward.from_id = fromId;
  const from = peerOf(raw.forwarded_from_id);
  if (from) forward.from = from;
  if (typeof raw.forwarded_from === 'string') forward.from_name = raw.forwarded_from;
  if (saved) {
    // Exports name the chat a saved message came from, and give its id only in newer versions.
    const peer = peerOf(raw.saved_from_id);
    forward.saved_from = {
      ...(peer ? { peer } : {}),
      ...(typeof raw.saved_from === 'string' ? { name: raw.saved_from } : {}),
      message_id: null,
    };
  }
  if (raw.imported === true || raw.forwarded_imported === true) forward.imported = true;
  return forward;
}

function mediaOf(raw: ExportMessage): TgMedia | undefined {
  let kind: string | undefined;
  if (typeof raw.media_type === 'string') kind = MEDIA_KINDS[raw.media_type] ?? raw.media_type;
  else if (raw.photo !== undefined) kind = 'photo';
  else if (raw.file !== undefined) kind = 'document';
  else if (isObject(raw.poll)) kind = 'poll';
  else if (isObject(raw.location_information)) kind = 'geo';
  else if (isObject(raw.contact_information)) kind = 'contact';
  if (kind === undefined) return undefined;
  const media: TgMedia = { kind };
  const size = raw.file_size ?? raw.photo_file_size;
  if (typeof size === 'number') media.size = size;
  if (typeof raw.mime_type === 'string') media.mime_type = raw.mime_type;
  if (typeof raw.file_name === 'string') media.file_name = raw.file_name;
  if (typeof raw.duration_seconds === 'number') media.duration = raw.duration_seconds;
  if (typeof raw.width === 'number') media.width = raw.width;
  if (typeof raw.height === 'number') media.height = raw.height;
  const title = isObject(raw.poll) ? raw.poll.question : raw.title;
  if (typeof title === 'string') media.title = title;
  if (typeof raw.performer === 'string' && raw.performer !== '') media.performer = raw.performer;
  if (typeof raw.sticker_emoji === 'string' && raw.sticker_emoji !== '') {
    media.emoji = raw.sticker_emoji;
  }
  if (isObject(raw.poll)) Object.assign(media, pollOf(raw.poll));
  return media;
}

/** `{question, closed, total_voters, answers: [{text, voters, chosen}]}` as exported. */
function pollOf(poll: { [key: string]: JsonValue }): Partial<TgMedia> {
  const out: Partial<TgMedia> = {};
  if (typeof poll.question === 'string') out.question = poll.question;
  if (typeof poll.closed === 'boolean') out.closed = poll.closed;
  if (typeof poll.total_voters === 'number') out.total_voters = poll.total_voters;
  if (Array.isArray(poll.answers)) {
    out.answers = poll.answers.filter(isObject).map((a) => {
      const answer: { text: string; voters?: number; chosen?: boolean } = {
        text: typeof a.text === 'string' ? a.text : '',
      };
      if (typeof a.voters === 'number') answer.voters = a.voters;
      if (a.chosen === true) answer.chosen = true;
      return answer;
    });
  }
  return out;
}

function reactionsOf(value: JsonValue | undefined): TgReaction[] {
  if (!Array.isArray(value)) return [];
  const out: TgReaction[] = [];
  for (const r of value) {
    if (!isObject(r) || typeof r.count !== 'number') continue;
    if (typeof r.emoji === 'string') out.push({ reaction: r.emoji, count: r.count });
    else if (r.type === 'custom_emoji' && r.document_id !== undefined) {
      out.push({ reaction: `custom:${String(r.document_id)}`, count: r.count });
    } else if (r.type === 'paid') out.push({ reaction: 'paid', count: r.count });
  }
  return out;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
