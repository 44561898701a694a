import * as v from 'valibot';
import type { ApplyResult } from './apply-changes.js';
import type { AppliedMessage } from './changed-days.js';
import type { ChatRef } from './chat.js';
import type { TgMessage, TgPeer } from './message.js';
import { TgMessageSchema, TgPeerSchema } from './message-schema.js';
import type { IsoDate } from './time-zone.js';

/**
 * The events of live changes (a followed chat): one per message that applying a batch of
 * changes (`applyChanges`) changed in the archive, published on the same channel and
 * stream as the events of fetch commands. They say what the archive now holds, not what
 * Telegram sent: a change that changed nothing (a replay) makes none.
 */

/**
 * The largest message JSON an event carries, in UTF-8 bytes. A Telegram message (4096
 * characters of text, its entities, media metadata, a poll) stays far below it; past it the
 * event names the message and its day without it, so that one message never weighs on
 * every subscriber's output buffer or on the capped events stream. The whole message is
 * always in its day file, and on the messages stream (entries up to 1 MB).
 */
export const MAX_MESSAGE_EVENT_BYTES = 64 * 1024;

export const MESSAGE_EVENT_NAMES = ['message', 'message_edited', 'message_deleted'] as const;
export type MessageEventName = (typeof MESSAGE_EVENT_NAMES)[number];

const EVENT_OF: Record<AppliedMessage['change'], MessageEventName> = {
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
  file_path: v.pipe(
    v.string(),
    v.description(
      'Where its day is stored: the configured data directory joined with its location, as in progress events.',
    ),
  ),
  ts: v.pipe(
    v.string(),
    v.metadata({ format: 'date-time' }),
    v.description('When the event was made, ISO-8601 UTC.'),
  ),
  worker_id: v.pipe(v.string(), v.description('The daemon that applied the change.')),
};

const ABOUT_FIELDS = `\`message\` is the message as now stored (message.json), absent when its JSON is over ${MAX_MESSAGE_EVENT_BYTES} bytes (read it from its day, file_path); \`peer\` is the message's own peer when it is not the chat (a basic group's history before it became this supergroup).`;

export const NewMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message'), ...fields }),
  v.description(
    `A message new to the archive was stored (posted in a followed chat). ${ABOUT_FIELDS}`,
  ),
);

export const EditedMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message_edited'), ...fields }),
  v.description(
    `A stored message was replaced by its newer version (its edit_date). ${ABOUT_FIELDS}`,
  ),
);

export const DeletedMessageEventSchema = v.pipe(
  v.looseObject({ event: v.literal('message_deleted'), ...fields }),
  v.description(
    `A stored message became a tombstone (deleted: true, deleted_at): deleted in Telegram; \`message\` is the tombstone. Deleted ids no store holds make no event. ${ABOUT_FIELDS}`,
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
  file_path: string;
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
  /** How a stored location is shown (a store's `filePath`). @default the location itself */
  filePath?: (location: string) => string;
}

/**
 * The events of what `applyChanges` did, in its order (chat by chat, day by day, message by
 * message): one `message`, `message_edited` or `message_deleted` per message it changed.
 * The daemon publishes them once the batch is applied, before it persists the batch's
 * resume point, so that a crash repeats events rather than losing them.
 */
export function messageEvents(result: ApplyResult, init: MessageEventsInit): MessageChangeEvent[] {
  const events: MessageChangeEvent[] = [];
  for (const day of result.days) {
    const filePath = init.filePath?.(day.location) ?? day.location;
    for (const { change, message } of day.messages) {
      const fits = jsonBytes(message) <= MAX_MESSAGE_EVENT_BYTES;
      events.push({
        event: EVENT_OF[change],
        chat: day.chat,
        time_zone: day.time_zone,
        date: day.date,
        id: message.id,
        ...(message.peer === undefined ? {} : { peer: message.peer }),
        ...(fits ? { message } : {}),
        file_path: filePath,
        ts: init.ts,
        worker_id: init.worker_id,
      });
    }
  }
  return events;
}

function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}
