import { Api } from 'telegram';
import { buildMessage, simulatedChannel } from './build-message.js';
import { type ChatPlan, firstId, isDeleted, lastId } from './chat-plan.js';
import type { DateIndex } from './dates.js';
import { telegramError } from './faults.js';
import { rangePage, type SimulatedDiscussion } from './simulated-discussion.js';

/** A generated chat as the thread answers need it. */
export interface ThreadedChat {
  plan: ChatPlan;
  dates: DateIndex;
  discussion?: SimulatedDiscussion | undefined;
}

export interface ThreadAnswerDeps<C extends ThreadedChat> {
  stats: { getReplies: number; groupHistory: number };
  maxPage: number;
  /** The generated channel of a channel id. */
  channel(id: string): C | undefined;
  discussionOf(chat: C): SimulatedDiscussion | undefined;
  pts(chat: C): number;
}

/**
 * The simulated Telegram's answers about discussion groups: posts with their threads, the
 * group's history, `messages.getReplies`, `messages.getDiscussionMessage` and
 * `channels.getMessages`, all paged by Telegram's offset rule (`rangePage`).
 */
export function createThreadAnswers<C extends ThreadedChat>(deps: ThreadAnswerDeps<C>) {
  const { stats, maxPage, discussionOf } = deps;
  /** A post as built, with its thread when the channel has a discussion group. */
  function post(chat: C, id: number): Api.Message | Api.MessageService {
    const message = buildMessage(chat.plan, id, chat.dates.dateOf(id));
    const discussion = discussionOf(chat);
    if (discussion && message instanceof Api.Message) {
      const replies = discussion.postReplies(id);
      if (replies) message.replies = replies;
      else delete message.replies;
    }
    return message;
  }

  function channelMessages(chat: C, messages: Api.TypeMessage[], count: number) {
    return new Api.messages.ChannelMessages({
      pts: deps.pts(chat),
      count,
      messages,
      topics: [],
      chats: [simulatedChannel(chat.plan), ...(chat.discussion ? [chat.discussion.group] : [])],
      users: [],
    });
  }

  function groupHistory(chat: C, d: SimulatedDiscussion, request: Api.messages.GetHistory) {
    stats.groupHistory++;
    const ids = rangePage(1, d.top, request, (sec) => d.idAtOrAfter(sec), maxPage);
    return channelMessages(
      chat,
      ids.map((id) => d.message(id)),
      d.top,
    );
  }

  /** The linked channel a thread request names, with its group, or Telegram's error. */
  function discussedChannel(peer: Api.TypeInputPeer, request: Api.AnyRequest) {
    const chat =
      peer instanceof Api.InputPeerChannel ? deps.channel(String(peer.channelId)) : undefined;
    if (
      !chat ||
      !(peer instanceof Api.InputPeerChannel) ||
      String(peer.accessHash) !== chat.plan.accessHash
    ) {
      throw telegramError('CHANNEL_INVALID', request);
    }
    const discussion = discussionOf(chat);
    if (!discussion) throw telegramError('MSG_ID_INVALID', request);
    return { chat, discussion };
  }

  function getReplies(request: Api.messages.GetReplies) {
    stats.getReplies++;
    const { chat, discussion } = discussedChannel(request.peer as Api.TypeInputPeer, request);
    const msgId = request.msgId as number;
    const copy = discussion.copyOf(msgId);
    if (copy === undefined) throw telegramError('MSG_ID_INVALID', request);
    const count = discussion.replies(msgId);
    const ids = rangePage(
      copy + 1,
      copy + count,
      request,
      (sec) => discussion.idAtOrAfter(sec),
      maxPage,
    );
    return channelMessages(
      chat,
      ids.map((id) => discussion.message(id)),
      count,
    );
  }

  function getDiscussionMessage(request: Api.messages.GetDiscussionMessage) {
    const { chat, discussion } = discussedChannel(request.peer as Api.TypeInputPeer, request);
    const msgId = request.msgId as number;
    const copy = discussion.copyOf(msgId);
    if (copy === undefined) throw telegramError('MSG_ID_INVALID', request);
    const count = discussion.replies(msgId);
    return new Api.messages.DiscussionMessage({
      messages: [discussion.message(copy)],
      ...(count > 0 ? { maxId: copy + count, readInboxMaxId: copy + count } : {}),
      unreadCount: 0,
      chats: [simulatedChannel(chat.plan), discussion.group],
      users: [],
    });
  }

  function getMessages(request: Api.channels.GetMessages) {
    const input = request.channel;
    const chat =
      input instanceof Api.InputChannel ? deps.channel(String(input.channelId)) : undefined;
    if (!chat) throw telegramError('CHANNEL_INVALID', request);
    const messages = request.id.map((m) => {
      const id = m instanceof Api.InputMessageID ? m.id : 0;
      return id >= firstId(chat.plan) && id <= lastId(chat.plan) && !isDeleted(chat.plan, id)
        ? post(chat, id)
        : new Api.MessageEmpty({ id });
    });
    return channelMessages(chat, messages, messages.length);
  }

  return { post, groupHistory, getReplies, getDiscussionMessage, getMessages };
}
