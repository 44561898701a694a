/**
 * A process embedding a Telegram source, for close.test.ts (bundled, run with plain
 * `node`, no forced exit): `createTelegramClientSource` reads one day of a channel through
 * real gramjs clients whose senders are a script, and is closed. Telegram answers the
 * history only after gramjs' first keep-alive ping (9 s after connecting, as in any fetch
 * that takes longer), whose timers are what used to outlive `close()`. Prints
 * `messages <n>`, then `closed` once `close()` resolved; the process must then end by itself.
 */
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { createTelegramClientSource } from '../client-source.js';
import { sessionAt, TEST_API } from '../testing/endpoints.js';
import { scriptEveryClient } from '../testing/scripted-sender.js';

const CHANNEL = returnBigInt(1_700_000_001);
const peer = new Api.PeerChannel({ channelId: CHANNEL });
const DATE = Date.parse('2025-11-07T12:00:00Z') / 1000;
const channel = new Api.Channel({
  id: CHANNEL,
  accessHash: returnBigInt(5),
  title: 'src',
  username: 'src',
  broadcast: true,
  photo: new Api.ChatPhotoEmpty(),
  date: 1,
});

let pinged = () => {};
const firstPing = new Promise<void>((resolve) => {
  pinged = resolve;
});
// Stands in for the socket a real connection keeps open until `close()`: nothing else of
// a scripted client would hold the process while it waits for the ping.
const socket = setInterval(() => {}, 1000);

scriptEveryClient(
  async (request) => {
    if (request instanceof Api.contacts.ResolveUsername) {
      return new Api.contacts.ResolvedPeer({ peer, chats: [channel], users: [] });
    }
    if (request instanceof Api.messages.GetHistory) {
      await firstPing;
      const messages =
        request.offsetId === 0
          ? [3, 2, 1].map(
              (id) => new Api.Message({ id, peerId: peer, date: DATE + id, message: `post ${id}` }),
            )
          : [];
      return new Api.messages.ChannelMessages({
        pts: 1,
        count: 3,
        topics: [],
        messages,
        chats: [channel],
        users: [],
      });
    }
    return { error: 'METHOD_NOT_SCRIPTED' };
  },
  {
    onSend: (request) => {
      if (request instanceof Api.PingDelayDisconnect) pinged();
    },
  },
);

const source = createTelegramClientSource({ ...TEST_API, session: await sessionAt() });
const day = { chat: '@src', from: (DATE - 43_200) * 1000, to: (DATE + 43_200) * 1000 };
let count = 0;
for await (const _ of source.messages(day, new AbortController().signal)) count++;
process.stdout.write(`messages ${count}\n`);
clearInterval(socket);
await source.close();
process.stdout.write('closed\n');
