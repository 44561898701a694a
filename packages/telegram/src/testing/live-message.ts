import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { simulatedUser, USERS_PER_CHAT } from './build-message.js';
import type { ChatPlan } from './chat-plan.js';

/** What the live sides of the simulated Telegram build their messages and updates from. */

export function channelPeer(plan: ChatPlan): Api.PeerChannel {
  return new Api.PeerChannel({ channelId: returnBigInt(plan.channelId) });
}

/** A message posted live: a supergroup's from one of its members, a channel's a post. */
export function liveMessage(
  plan: ChatPlan,
  id: number,
  text: string,
  date: number,
  editDate?: number,
): Api.Message {
  return new Api.Message({
    id,
    peerId: channelPeer(plan),
    date,
    message: text,
    ...(editDate === undefined ? {} : { editDate }),
    ...(plan.kind === 'supergroup'
      ? { fromId: new Api.PeerUser({ userId: simulatedUser(plan, id % USERS_PER_CHAT).id }) }
      : { post: true }),
  });
}

/** The users an answer about the chat carries (a supergroup's members; a channel has none). */
export function usersOf(plan: ChatPlan): Api.User[] {
  if (plan.kind !== 'supergroup') return [];
  return Array.from({ length: USERS_PER_CHAT }, (_, i) => simulatedUser(plan, i));
}
