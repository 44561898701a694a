import * as v from 'valibot';
import type { ApplyResult } from './apply-changes.js';
import type { AppliedKind } from './changed-days.js';
import type { ChatRef } from './chat.js';
import type { TgMessage, TgPeer } from './message.js';
import { TgMessageSchema, TgPeerSchema } from './message-schema.js';
import type { IsoDate } from './time-zone.js';

/**
 * The events of live changes (a followed chat): one per message a batch of changes named,
 * as `applyChanges` stored it, published on the same channel and stream as the events of
 * fetch commands. They carry what the archive now holds (the later edit, the tombstone),
 * not what Telegram sent; a batch applied again (after a crash) makes its events again, so
 * that they are at least once, never missing.
 */

/**
 * The largest message JSON an event carries, in UTF-8 bytes. A Telegram message (4096
 * characters of text, its entities, media metadata, a poll) stays far below it; past it the
 * event names the message and its day without it, so that one message never weighs on
 * every subscriber's output buffer or on the capped events stream. The whole message is
 * always in its stored day, and on the messages stream (entries up to 1 MB) where it is on.
 */
export const MAX_MESSAGE_EVENT_BYTES = 64 * 1024;

export const MESSAGE_EVENT_NAMES = ['message', 'message_edited', 'message_deleted'] as const;
export type MessageEventName = (typeof MESSAGE_EVENT_NAMES)[number];

const EVENT_OF: Record<AppliedKind, MessageEventName> = {
  new: 'message',
  edited: 'message_edited',
  deleted: 'message_deleted',
};

const fields = {
  chat: v.pipe(
    v.string(),
    v.maxLength(256),
    v.description('The chat, canonical (@lowercase_username or a numeric id string).'),
  ),
  time_zone: v.pipe(v.string(), v.description('IANA zone of the day the message is stored in.')),
  date: v.pipe(
    v.string(),
    v.metadata({ format: 'date' }),
    v.description('The day the message is stored in, in `time_zone`.'),
  ),
  id: v.pipe(
    v.number(),
    v.integer(),
    v.description('The message id (unique within the chat, or within `peer` when present).'),
  ),
  // Bare, so that the published schema refers to message.json's shapes once ($defs): the
  // events' descriptions say what these two hold.
  peer: v.optional(TgPeerSchema),
  message: v.optional(TgMessageSchema),
  ts: v.pipe(
    v.string(),
    v.metadata({ format: 'date-time' }),
    v.description('When the event was made, ISO-8601 UTC.'),
  ),
  worker_id: v.pipe(v.string(), v.description('The daemon that applied the change.')),
};

const ABOUT_FIELDS = `\`message\` is the message as now stored (message.json), absent when its JSON is over ${MAX_MESSAGE_EVENT_BYTES} bytes (read it from its stored day: chat, date); \`peer\` is the message's own peer when it is not the chat (a basic group's history before it became this supergroup). At least once: a batch applied again (after a crash) makes its events again, so key on chat, peer and id.`;

export const NewMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message'), ...fields }),
  v.description(`A message posted in a followed chat was stored. ${ABOUT_FIELDS}`),
);

export const EditedMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message_edited'), ...fields }),
  v.description(
    `A message was edited: its newer version (edit_date) is stored; an older one never replaces it. ${ABOUT_FIELDS}`,
  ),
);

export const DeletedMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message_deleted'), ...fields }),
  v.description(
    `A stored message was deleted in Telegram and is now a tombstone (deleted: true, deleted_at), which \`message\` is. Deleted ids no stored day holds make no event. ${ABOUT_FIELDS}`,
  ),
);

/** What the published event schema names once and refers to (`$defs`). */
export const EVENT_SCHEMA_DEFINITIONS = { Message: TgMessageSchema };

export const MessageEventSchema = v.variant('event', [
  NewMessageEventSchema,
  EditedMessageEventSchema,
  DeletedMessageEventSchema,
]);

/** The fields of every message event (the schemas above say what each means). */
interface MessageEventFields {
  chat: ChatRef;
  time_zone: string;
  date: IsoDate;
  id: number;
  peer?: TgPeer;
  message?: TgMessage;
  ts: string;
  worker_id: string;
}

export interface NewMessageEvent extends MessageEventFields {
  event: 'message';
}
export interface EditedMessageEvent extends MessageEventFields {
  event: 'message_edited';
}
export interface DeletedMessageEvent extends MessageEventFields {
  event: 'message_deleted';
}
export type MessageChangeEvent = NewMessageEvent | EditedMessageEvent | DeletedMessageEvent;

export interface MessageEventsInit {
  /** When the events are made, ISO-8601 UTC. */
  ts: string;
  worker_id: string;
}

/**
 * The events of a batch `applyChanges` applied, in its order (chat by chat, day by day,
 * message by message): one `message`, `message_edited` or `message_deleted` per message
 * the batch named (`ApplyResult.messages`). Publish them after the batch is applied and
 * before its resume point is saved (`followChanges`' `onApplied`): a crash in between
 * repeats them rather than losing them.
 */
export function messageEvents(result: ApplyResult, init: MessageEventsInit): MessageChangeEvent[] {
  return result.messages.map(({ kind, chat, date, time_zone, message }) => ({
    event: EVENT_OF[kind],
    chat,
    time_zone,
    date,
    id: message.id,
    ...(message.peer === undefined ? {} : { peer: message.peer }),
    ...(jsonBytes(message) <= MAX_MESSAGE_EVENT_BYTES ? { message } : {}),
    ts: init.ts,
    worker_id: init.worker_id,
  }));
}

function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}
