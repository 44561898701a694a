/**
 * What a pacer learned of an account's request limit, kept so that a restarted process
 * starts at it instead of learning it again with flood waits. Telegram limits an account,
 * not a chat or a connection: the key is the account (its user id).
 */
export interface LearnedRate {
  /** Requests per second the account may sustain. */
  requestsPerSecond: number;
  /** Requests Telegram lets through back to back from a rested account. */
  burst: number;
  /** When it was learned, epoch ms. */
  learnedAt: number;
  /**
   * How sure it is: the seconds of sending it rests on. One learned from two flood waits
   * rests on a second or two and is climbed past soon; one from an hour of sending holds.
   */
  basisSec?: number;
}

/**
 * Keeps one `LearnedRate` per account. `save` replaces the account's rate whole; `load`
 * gives the last one saved, or undefined. A record that does not read as a rate (edited by
 * hand, written by something else) is no record: the pacer learns the rate again, which
 * costs a few flood waits and loses nothing stored.
 */
export interface RateMemory {
  load(account: string): Promise<LearnedRate | undefined>;
  save(account: string, rate: LearnedRate): Promise<void>;
  close?(): Promise<void>;
}

/** The rate `value` holds, or undefined when it is not one (see `RateMemory`). */
export function asLearnedRate(value: unknown): LearnedRate | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { requestsPerSecond, burst, learnedAt } = value as Record<string, unknown>;
  const positive = (n: unknown): n is number =>
    typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (!positive(requestsPerSecond) || !positive(burst)) return undefined;
  if (typeof learnedAt !== 'number' || !Number.isFinite(learnedAt)) return undefined;
  const { basisSec } = value as Record<string, unknown>;
  if (basisSec === undefined) return { requestsPerSecond, burst, learnedAt };
  return positive(basisSec) ? { requestsPerSecond, burst, learnedAt, basisSec } : undefined;
}

/** Checks an account key and a rate before an adapter stores them. */
export function checkRateRecord(account: string, rate: LearnedRate): void {
  if (typeof account !== 'string' || account.length === 0 || account.length > 256) {
    throw new TypeError('A rate memory key (an account) must be a string of 1 to 256 characters');
  }
  if (!asLearnedRate(rate)) {
    throw new TypeError(
      'A learned rate needs positive, finite requestsPerSecond and burst (and basisSec, if given) and a learnedAt',
    );
  }
}
