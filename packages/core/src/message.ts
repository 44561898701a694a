/**
 * The message JSON of the wire contract (DESIGN.md, "Messages and files"). Sources map
 * their own message objects to this; stores write it as is. Ids that may exceed 2^53
 * (users, channels, albums, documents) are `number` while safe and a decimal `string`
 * beyond, so nothing is rounded.
 */

/** A 64-bit Telegram id: a number while it is a safe integer, else its exact decimal string. */
export type BigId = number | string;

export interface TgEntity {
  /** Telegram's entity kind in snake case: `url`, `bold`, `mention`, `text_link`, … */
  type: string;
  offset: number;
  length: number;
  url?: string;
  user_id?: BigId;
  language?: string;
  custom_emoji_id?: string;
}

export interface TgForward {
  from_id?: BigId | null;
  from_name?: string | null;
  date?: string | null;
  channel_post?: number | null;
  post_author?: string | null;
}

export interface TgMedia {
  /** `photo`, `document`, `video`, `audio`, `voice`, `sticker`, `animation`, `poll`, `geo`, `contact`, `webpage`, … */
  kind: string;
  id?: BigId;
  mime_type?: string;
  size?: number;
  file_name?: string;
  duration?: number;
  width?: number;
  height?: number;
  url?: string;
  title?: string;
  /** Kind-specific details (coordinates, poll answers, contact names…). */
  [extra: string]: unknown;
}

export interface TgReaction {
  /** The emoji, or `custom:<document id>` for a custom emoji, or `paid`. */
  reaction: string;
  count: number;
}

export interface TgMessage {
  id: number;
  /** ISO-8601 UTC, seconds precision: `2025-11-07T10:23:45Z`. */
  date: string;
  chat: string;
  /** `message` for posts and chat messages, `service` for joins, pins, title changes… */
  type?: 'message' | 'service';
  from_id?: BigId | null;
  text: string;
  reply_to?: number | null;
  views?: number | null;
  forwards?: number | null;
  replies_count?: number | null;
  entities?: TgEntity[];
  edit_date?: string | null;
  forward?: TgForward | null;
  media?: TgMedia | null;
  grouped_id?: BigId | null;
  post_author?: string | null;
  topic_id?: number | null;
  action?: { type: string; [key: string]: unknown } | null;
  reactions?: TgReaction[];
  [extra: string]: unknown;
}

/** Epoch milliseconds of a message's `date`. */
export function messageTime(message: Pick<TgMessage, 'date'>): number {
  return Date.parse(message.date);
}

/** Formats epoch seconds or milliseconds as the contract's `YYYY-MM-DDTHH:mm:ssZ`. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Merges a fresh fetch of a day into what a store already holds: one copy per id, sorted
 * by id; a message seen again replaces the stored copy unless the stored copy carries a
 * later edit (a re-run never undoes an edit it already saw).
 */
export function mergeMessages(
  stored: readonly TgMessage[],
  fresh: readonly TgMessage[],
): TgMessage[] {
  const byId = new Map<number, TgMessage>();
  for (const m of stored) byId.set(m.id, m);
  for (const m of fresh) {
    const old = byId.get(m.id);
    if (old && editTime(old) > editTime(m)) continue;
    byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function editTime(m: TgMessage): number {
  return m.edit_date ? Date.parse(m.edit_date) : 0;
}
