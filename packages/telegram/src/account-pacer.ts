import type { Clock, LearnedRate, RateMemory } from '@tgfetch/core';
import { abortable } from './abortable.js';
import { createPacer, type PacedTurn, type Pacer, type PacingOptions } from './pacer.js';

export interface AccountPacerOptions {
  clock: Clock;
  pacing: PacingOptions | undefined;
  /** Where the account's learned rate is kept between processes. */
  memory: RateMemory | undefined;
  /** The account's user id (asked of Telegram once, on the first request). */
  account: () => Promise<string>;
  /** Told when the memory could not be read or written: the pacer goes on without it. */
  onMemoryError: ((error: unknown) => void) | undefined;
}

export interface AccountPacer {
  readonly pacer: Pacer;
  /** The pacer's turn, after the account's remembered rate (if any) was loaded once. */
  turn(chat: string, signal: AbortSignal): Promise<PacedTurn>;
}

/**
 * The pacer of one account (a source's connection is one account's), primed from and saved
 * to a `RateMemory` so that a restarted process starts at the rate the last one learned.
 */
export function createAccountPacer(options: AccountPacerOptions): AccountPacer {
  const { memory } = options;
  let account: string | undefined;
  const save = (rate: LearnedRate) => {
    if (memory && account !== undefined) {
      memory.save(account, rate).catch((error: unknown) => options.onMemoryError?.(error));
    }
  };
  const pacer = createPacer(options.clock, {
    ...options.pacing,
    onEstimate: (rate) => {
      save(rate);
      options.pacing?.onEstimate?.(rate);
    },
  });
  let loading: Promise<void> | undefined;
  const load = () => {
    if (!memory) return undefined;
    loading ??= (async () => {
      try {
        account = await options.account();
        const learned = await memory.load(account);
        if (learned) pacer.prime(learned);
      } catch (error) {
        options.onMemoryError?.(error);
      }
    })();
    return loading;
  };
  return {
    pacer,
    async turn(chat, signal) {
      const loaded = load();
      if (loaded) await abortable(loaded, signal);
      return pacer.turn(chat, signal);
    },
  };
}
