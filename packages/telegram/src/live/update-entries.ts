import { Api } from 'telegram';
import { ACCOUNT_BOX, type Container, type Entry } from './update-state.js';

/** What the update loop applies: one update, or a short message that stands for one. */
export type LiveUpdate = Api.TypeUpdate | Api.UpdateShortMessage | Api.UpdateShortChatMessage;

/**
 * Where a pushed `Updates` object goes: a container of ordered updates, or a sign that
 * updates were lost and the account's difference must be asked (`updatesTooLong`, and
 * `updateShortSentMessage`, the answer to a message this account sent, which does not
 * carry the message whole).
 */
export type Pushed = { container: Container<LiveUpdate> } | { tooLong: true };

export function pushed(updates: Api.TypeUpdates | Api.TypeUpdate): Pushed {
  if (updates instanceof Api.UpdatesTooLong || updates instanceof Api.UpdateShortSentMessage) {
    return { tooLong: true };
  }
  if (updates instanceof Api.Updates) {
    return {
      container: {
        seqStart: updates.seq,
        seq: updates.seq,
        date: updates.date,
        entries: updates.updates.map(entryOf),
      },
    };
  }
  if (updates instanceof Api.UpdatesCombined) {
    return {
      container: {
        seqStart: updates.seqStart,
        seq: updates.seq,
        date: updates.date,
        entries: updates.updates.map(entryOf),
      },
    };
  }
  if (updates instanceof Api.UpdateShort) {
    return { container: unordered(updates.date, entryOf(updates.update)) };
  }
  if (updates instanceof Api.UpdateShortMessage || updates instanceof Api.UpdateShortChatMessage) {
    const entry = {
      box: ACCOUNT_BOX,
      pts: updates.pts,
      count: updates.ptsCount,
      item: updates,
    };
    return { container: unordered(updates.date, entry) };
  }
  // A bare update (Telegram wraps them; a test may not).
  return { container: unordered(0, entryOf(updates)) };
}

function unordered(date: number, entry: Entry<LiveUpdate>): Container<LiveUpdate> {
  return { seqStart: 0, seq: 0, date, entries: [entry] };
}

/**
 * An update's place: every update with `pts` and `pts_count` occupies its channel's box
 * (named by `channel_id` or by its message's peer) or else the account's; others (typing,
 * statuses, `updateReadChannelInbox`, whose `pts` is no count) are in no sequence.
 */
export function entryOf(update: LiveUpdate): Entry<LiveUpdate> {
  const fields = update as unknown as { pts?: unknown; ptsCount?: unknown };
  if (typeof fields.pts !== 'number' || typeof fields.ptsCount !== 'number')
    return { item: update };
  const channel = channelOf(update);
  // A channel's update whose channel is not named (an empty message without a peer) has no
  // place: the gap it leaves is closed by the channel's difference.
  if (channel === undefined && update.className.includes('Channel')) return { item: update };
  return {
    box: channel ?? ACCOUNT_BOX,
    pts: fields.pts,
    count: fields.ptsCount,
    item: update,
  };
}

/** The raw id of the channel an update belongs to, if it belongs to one. */
export function channelOf(update: LiveUpdate): string | undefined {
  const { channelId, message } = update as unknown as {
    channelId?: { toString(): string };
    message?: unknown;
  };
  if (channelId !== undefined) return String(channelId);
  if (
    (message instanceof Api.Message ||
      message instanceof Api.MessageService ||
      message instanceof Api.MessageEmpty) &&
    message.peerId instanceof Api.PeerChannel
  ) {
    return String(message.peerId.channelId);
  }
  return undefined;
}
