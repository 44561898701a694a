import type { ChangeBatch, MessageChange } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { tgError } from '../error-builders.js';
import { TelegramErrorCode } from '../error-codes.js';
import { PAGE_SIZE } from '../history.js';
import { changesOf, type FollowContext, schedulePoll } from './follow-context.js';
import type { FollowedChat } from './followed.js';
import { newestCopies } from './to-changes.js';
import { entryOf } from './update-entries.js';
import { ACCOUNT_BOX, type AccountState } from './update-state.js';
import { walkAbove } from './walk-above.js';

/** Rounds of one catch-up (slices, non-final answers) before the next poll goes on. */
const MAX_ROUNDS = 1000;

/**
 * The account's box brought up to date with `updates.getDifference`: slices until the
 * final state, and on `differenceTooLong` a history walk of each followed chat of the box
 * from its last stored message, then on from the pts Telegram gave.
 */
export async function* catchUpAccount(context: FollowContext): AsyncGenerator<ChangeBatch> {
  const { state, followed, mapper } = context;
  const updates = state.updates;
  schedulePoll(context, ACCOUNT_BOX);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const local = updates.account;
    if (!local) return;
    const label = followed.inAccount[0]?.ref ?? 'the account';
    const answer = await context.call(
      new Api.updates.GetDifference({ pts: local.pts, date: local.date, qts: local.qts }),
      label,
    );
    if (answer instanceof Api.updates.DifferenceEmpty) {
      const more = updates.setAccount({ ...local, date: answer.date, seq: answer.seq });
      yield* state.batch(changesOf(context, more));
      return;
    }
    if (answer instanceof Api.updates.DifferenceTooLong) {
      // The walks are planned before the new pts is in any resume point.
      for (const chat of followed.inAccount) await planWalk(context, chat);
      const more = updates.setAccount({ ...local, pts: answer.pts });
      yield* state.batch(changesOf(context, more));
      for (const chat of followed.inAccount) yield* walkChat(context, chat);
      continue;
    }
    const changes: MessageChange[] = [];
    for (const message of answer.newMessages) changes.push(...mapper.ofMessage('new', message));
    changes.push(...otherUpdates(context, answer.otherUpdates, ACCOUNT_BOX));
    const next = answer instanceof Api.updates.Difference ? answer.state : answer.intermediateState;
    changes.push(...changesOf(context, updates.setAccount(accountState(next))));
    yield* state.batch(newestCopies(changes));
    if (answer instanceof Api.updates.Difference) return;
  }
}

/**
 * A channel brought up to date with `updates.getChannelDifference`, asked again while not
 * `final`; on `channelDifferenceTooLong` the channel goes on from the dialog's pts and its
 * history is walked from the last stored message (the walk is in the resume point until it
 * ends, so a walk cut short starts over from the same id).
 */
export async function* catchUpChannel(
  context: FollowContext,
  box: string,
): AsyncGenerator<ChangeBatch> {
  const { state, followed, mapper } = context;
  const chat = followed.byBox(box);
  if (!chat || !(chat.input instanceof Api.InputPeerChannel)) return;
  const channel = new Api.InputChannel({
    channelId: chat.input.channelId,
    accessHash: chat.input.accessHash,
  });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pts = state.updates.pts(box);
    if (pts === undefined) return;
    const answer = await context.call(
      new Api.updates.GetChannelDifference({
        channel,
        filter: new Api.ChannelMessagesFilterEmpty(),
        pts,
        limit: context.settings.differenceLimit,
      }),
      chat.ref,
    );
    schedulePoll(context, box, answer.timeout);
    if (answer instanceof Api.updates.ChannelDifferenceEmpty) {
      yield* state.batch(changesOf(context, state.updates.settle(box, answer.pts)));
    } else if (answer instanceof Api.updates.ChannelDifferenceTooLong) {
      const dialogPts = answer.dialog instanceof Api.Dialog ? answer.dialog.pts : undefined;
      if (dialogPts === undefined) return;
      await planWalk(context, chat);
      yield* state.batch(changesOf(context, state.updates.settle(box, dialogPts)));
      yield* walkChat(context, chat);
    } else {
      const changes: MessageChange[] = [];
      for (const message of answer.newMessages) changes.push(...mapper.ofMessage('new', message));
      changes.push(...otherUpdates(context, answer.otherUpdates, box));
      changes.push(...changesOf(context, state.updates.settle(box, answer.pts)));
      yield* state.batch(newestCopies(changes));
    }
    if (answer.final) return;
  }
}

/**
 * A difference's other updates: those of the box it answers for are covered by its state
 * and apply as they are; another box's go through that box's order (a gap there is closed
 * by its own difference).
 */
function otherUpdates(
  context: FollowContext,
  updates: readonly Api.TypeUpdate[],
  box: string,
): MessageChange[] {
  return updates.flatMap((update) => {
    const entry = entryOf(update);
    if (entry.box === undefined || entry.box === box) return changesOf(context, [update]);
    return changesOf(context, context.state.updates.offer(entry));
  });
}

/**
 * Notes that `chat`'s history is to be walked above its last stored message (unless a walk
 * is already planned, which keeps its own floor); a chat with nothing stored is followed
 * from now on.
 */
export async function planWalk(context: FollowContext, chat: FollowedChat): Promise<void> {
  if (context.state.walks.has(chat.key)) return;
  const floor = await context.lastStoredId(chat.ref);
  if (floor !== undefined) context.state.walks.set(chat.key, floor);
}

/** The planned walk of `chat`, one batch a page; the last batch ends the walk. */
export async function* walkChat(
  context: FollowContext,
  chat: FollowedChat,
): AsyncGenerator<ChangeBatch> {
  const { state, mapper } = context;
  const floor = state.walks.get(chat.key);
  if (floor === undefined) return;
  let page: MessageChange[] = [];
  const walk = walkAbove(chat, floor, (request) => context.call(request, chat.ref), context.signal);
  for await (const message of walk) {
    mapper.remember(chat, message.id);
    page.push({ kind: 'new', chat: chat.ref, message });
    if (page.length >= PAGE_SIZE) {
      yield* state.batch(page);
      page = [];
    }
  }
  state.walks.delete(chat.key);
  yield* state.batch(page);
}

/** The pts a channel is at now, from a history page of one message. */
export async function channelPts(context: FollowContext, chat: FollowedChat): Promise<number> {
  const page = await context.call(
    new Api.messages.GetHistory({
      peer: chat.input,
      offsetId: 0,
      offsetDate: 0,
      addOffset: 0,
      limit: 1,
      maxId: 0,
      minId: 0,
      hash: returnBigInt(0),
    }),
    chat.ref,
  );
  if (page instanceof Api.messages.ChannelMessages) return page.pts;
  if (page instanceof Api.messages.MessagesNotModified) {
    throw tgError(
      TelegramErrorCode.HISTORY_NOT_MODIFIED,
      `Telegram answered messages.GetHistory of ${chat.ref} with messages.messagesNotModified (no pts)`,
    );
  }
  throw tgError(
    TelegramErrorCode.TELEGRAM_REJECTED,
    `Telegram answered messages.GetHistory of channel ${chat.ref} with ${page.className}, which carries no pts`,
  );
}

function accountState(state: Api.updates.State): AccountState {
  return { pts: state.pts, qts: state.qts, date: state.date, seq: state.seq };
}
