import { Api } from 'telegram';
import type { Invoke } from './resolve.js';

export interface TakeoutOptions {
  /** Export basic groups' history too. @default true */
  messageChats?: boolean;
  /** @default true */
  messageMegagroups?: boolean;
  /** @default true */
  messageChannels?: boolean;
  /** Private chats with users. @default true */
  messageUsers?: boolean;
}

export interface TakeoutSession {
  invoke: Invoke;
  /** Finishes the takeout session if one was started. */
  finish(success: boolean): Promise<void>;
}

/**
 * A takeout ("export data") session: Telegram serves history requests sent through it with
 * far gentler flood limits. It starts on first use and every request then goes wrapped in
 * `InvokeWithTakeout`; a pending user confirmation surfaces as `TAKEOUT_INIT_DELAY_X`. A
 * takeout Telegram no longer knows (`TAKEOUT_INVALID`) is replaced by a new one.
 */
export function createTakeoutSession(invoke: Invoke, options: TakeoutOptions = {}): TakeoutSession {
  let started: Promise<Api.account.Takeout> | undefined;
  const start = () => {
    started ??= invoke(
      new Api.account.InitTakeoutSession({
        messageUsers: options.messageUsers ?? true,
        messageChats: options.messageChats ?? true,
        messageMegagroups: options.messageMegagroups ?? true,
        messageChannels: options.messageChannels ?? true,
      }),
    ).catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
  const wrapped = async (request: Api.AnyRequest) => {
    const takeout = await start();
    try {
      return await invoke(new Api.InvokeWithTakeout({ takeoutId: takeout.id, query: request }));
    } catch (error) {
      // Telegram ended this takeout (expired, or finished from another device): forget its id
      // so that the next request starts a new one instead of reusing a dead id until restart.
      if (isTakeoutInvalid(error) && started && (await started.catch(() => undefined)) === takeout)
        started = undefined;
      throw error;
    }
  };
  return {
    async invoke(request) {
      try {
        return await wrapped(request);
      } catch (error) {
        if (!isTakeoutInvalid(error)) throw error;
        return wrapped(request); // once, through a new takeout
      }
    },
    async finish(success) {
      if (!started) return;
      const takeout = await started.catch(() => undefined);
      started = undefined;
      if (!takeout) return;
      await invoke(
        new Api.InvokeWithTakeout({
          takeoutId: takeout.id,
          query: new Api.account.FinishTakeoutSession({ success }),
        }),
      );
    },
  };
}

function isTakeoutInvalid(error: unknown): boolean {
  const e = error as { errorMessage?: unknown; code?: unknown } | null;
  return e?.errorMessage === 'TAKEOUT_INVALID' || e?.code === 'TAKEOUT_INVALID';
}
