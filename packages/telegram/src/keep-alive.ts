import { randomInt } from 'node:crypto';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { withTimeout } from './with-timeout.js';

/** gramjs' pace (client/updates.js): a ping every 9 s, 10 s for its pong, Telegram told 60 s. */
export const PING_INTERVAL_MS = 9000;
export const PING_TIMEOUT_MS = 10_000;
const PING_DISCONNECT_DELAY_SEC = 60;

/** The gramjs internals the pings read (gramjs 2.26; see MTProtoSender.js, TelegramClient.js). */
interface PingInternals {
  _loopStarted?: boolean;
  _isSwitchingDc?: boolean;
  _sender?: {
    _userConnected?: boolean;
    isReconnecting?: boolean;
    send(request: Api.PingDelayDisconnect): Promise<unknown>;
    reconnect(): void;
  };
}

export interface KeepAlive {
  /** Pings from now on (again after `stop`, no). Idempotent. */
  start(): void;
  /** No ping is sent after this, and no timer of the pings is left. */
  stop(): void;
}

/**
 * The pings gramjs' own update loop would send, without what that loop leaves behind: it
 * races every ping against a 10 s sleep it never clears, so a process whose client lived
 * past its first ping (9 s after connecting) stays alive up to 10 s after `destroy()`, and
 * the loop itself runs until its next wake-up. So gramjs' loop is never started (it starts
 * once per client, from `connect()`, unless `_loopStarted`) and this one takes its place:
 * a ping keeps an idle connection open (Telegram drops it `disconnect_delay` after the last
 * ping) and finds a dead one, which gramjs' sender is then told to reconnect, as gramjs
 * does. Its timers never hold the process (the socket of a live connection does), and
 * `stop()` clears them. gramjs' loop also asks `updates.GetState` every 30 idle minutes to
 * keep updates coming; nothing here reads updates but a QR login, which asks more often.
 */
export function keepAlive(client: TelegramClient): KeepAlive {
  const internals = client as unknown as PingInternals;
  internals._loopStarted = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let stopped = false;

  const ping = async () => {
    timer = undefined;
    const sender = internals._sender;
    if (sender?._userConnected && !sender.isReconnecting && !internals._isSwitchingDc) {
      const request = new Api.PingDelayDisconnect({
        pingId: returnBigInt(randomInt(2 ** 47)),
        disconnectDelay: PING_DISCONNECT_DELAY_SEC,
      });
      try {
        await withTimeout(sender.send(request), PING_TIMEOUT_MS);
      } catch {
        if (!stopped && !sender.isReconnecting) sender.reconnect();
      }
    }
    schedule();
  };

  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => void ping(), PING_INTERVAL_MS);
    timer.unref?.();
  };

  return {
    start() {
      if (started) return;
      started = true;
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
