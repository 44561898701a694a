import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import type { Lease, Leases } from '../leases.js';

export interface LeasesFixture {
  /** Two clients of one store, as two processes would have them (may be one object). */
  leases: Leases;
  other: Leases;
  cleanup?: () => Promise<void>;
}

export interface LeasesSuiteOptions {
  /** The lifetime of the leases that the suite lets expire (real time). @default 500 */
  ttlMs?: number;
  /** How much later than its lifetime an expired lease may be seen expired. @default 2000 */
  slackMs?: number;
}

/** Polls `check` every 10 ms until it gives something, or fails after `ms`. */
async function until<T>(check: () => Promise<T | undefined>, ms: number, what: string) {
  const giveUpAt = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`${what}: not within ${ms} ms`);
    await systemClock.sleep(10);
  }
}

/** Resolves when `signal` aborts, or fails after `ms`. */
function aborted(signal: AbortSignal, ms: number, what: string): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

const LONG = { ttlMs: 60_000 };

/**
 * The `Leases` contract, in real time: one holder per name; a greater fence for every later
 * holder; a lease nobody renews is lost by its holder and taken over by another within its
 * lifetime (and not before); a renewal keeps it and fails once it is taken; a release frees
 * it at once and never frees another's; names and lifetimes are checked.
 */
export function describeLeases(
  name: string,
  setup: () => Promise<LeasesFixture>,
  options: LeasesSuiteOptions = {},
): void {
  const ttlMs = options.ttlMs ?? 500;
  const slackMs = options.slackMs ?? 2_000;

  describe(`Leases conformance: ${name}`, () => {
    const withLeases = (fn: (f: LeasesFixture, taken: Lease[]) => Promise<void>) => async () => {
      const fixture = await setup();
      const taken: Lease[] = [];
      try {
        await fn(fixture, taken);
      } finally {
        await Promise.all(taken.map((lease) => lease.release().catch(() => {})));
        await fixture.cleanup?.();
      }
    };
    const keep = (taken: Lease[], lease: Lease | undefined): Lease => {
      expect(lease).toBeDefined();
      taken.push(lease!);
      return lease!;
    };

    it(
      'lets one holder have a name at a time, names apart, not reentrant',
      withLeases(async ({ leases, other }, taken) => {
        const a = keep(taken, await leases.acquire('chat:a', LONG));
        expect(a).toMatchObject({ name: 'chat:a', ttlMs: LONG.ttlMs });
        expect(a.held()).toBe(true);
        expect(await other.acquire('chat:a', LONG)).toBeUndefined();
        expect(await leases.acquire('chat:a', LONG)).toBeUndefined();
        keep(taken, await other.acquire('chat:b', LONG));
        const racers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? leases : other).acquire('race', LONG)),
        );
        const winners = racers.filter((lease) => lease !== undefined);
        taken.push(...winners);
        expect(winners).toHaveLength(1);
      }),
    );

    it(
      'gives every later holder of a name a greater fence, a safe integer',
      withLeases(async ({ leases, other }, taken) => {
        const fences: number[] = [];
        for (const client of [leases, other, leases, other]) {
          const lease = keep(taken, await client.acquire('fenced', LONG));
          fences.push(lease.fence);
          await lease.release();
        }
        for (const fence of fences) expect(Number.isSafeInteger(fence)).toBe(true);
        for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1]!);
      }),
    );

    it(
      'lets another take over a lease nobody renews once its lifetime is over, not before',
      withLeases(async ({ leases, other }, taken) => {
        const start = Date.now();
        const dead = keep(taken, await leases.acquire('orphan', { ttlMs }));
        const heir = keep(
          taken,
          await until(() => other.acquire('orphan', LONG), ttlMs + slackMs, 'the takeover'),
        );
        // Clocks count whole milliseconds: one of rounding either side.
        expect(Date.now() - start).toBeGreaterThanOrEqual(ttlMs - 1);
        expect(heir.fence).toBeGreaterThan(dead.fence);
        await aborted(dead.lost, slackMs, 'the old holder told it lost');
        expect(dead.held()).toBe(false);
        expect(await dead.renew()).toBe(false);
        expect(heir.held()).toBe(true);
        expect(await heir.renew()).toBe(true);
      }),
    );

    it(
      'keeps a lease renewed past its lifetime, and loses one whose lifetime ran out',
      withLeases(async ({ leases, other }, taken) => {
        const kept = keep(taken, await leases.acquire('renewed', { ttlMs }));
        const until2x = Date.now() + 2 * ttlMs;
        while (Date.now() < until2x) {
          await systemClock.sleep(Math.floor(ttlMs / 4));
          expect(await kept.renew()).toBe(true);
          expect(await other.acquire('renewed', LONG)).toBeUndefined();
        }
        expect(kept.lost.aborted).toBe(false);
        expect(kept.validUntil()).toBeGreaterThan(Date.now());
        // Left alone, it is lost here once its lifetime is over, and renewing cannot save it.
        await aborted(kept.lost, ttlMs + slackMs, 'the lease to be lost');
        expect(kept.ended.aborted).toBe(true);
        expect(await kept.renew()).toBe(false);
        keep(
          taken,
          await until(() => other.acquire('renewed', LONG), slackMs, 'the name to come free'),
        );
      }),
    );

    it(
      'frees a released name at once, and never frees a name taken since',
      withLeases(async ({ leases, other }, taken) => {
        const first = keep(taken, await leases.acquire('handed', LONG));
        await first.release();
        await first.release();
        expect(first.ended.aborted).toBe(true);
        expect(first.lost.aborted).toBe(false);
        expect(await first.renew()).toBe(false);
        const second = keep(taken, await other.acquire('handed', LONG));

        const stale = keep(taken, await leases.acquire('stale', { ttlMs }));
        const heir = keep(
          taken,
          await until(() => other.acquire('stale', LONG), ttlMs + slackMs, 'the takeover'),
        );
        await stale.release();
        expect(await leases.acquire('stale', LONG)).toBeUndefined();
        expect(await heir.renew()).toBe(true);
        expect(await second.renew()).toBe(true);
      }),
    );

    it(
      'refuses bad names and lifetimes with stable codes',
      withLeases(async ({ leases }, taken) => {
        const bad = [
          '',
          ' ',
          'a b',
          'a/b',
          'a*',
          '#fence',
          '.hidden',
          ':x',
          'чат',
          'x'.repeat(201),
        ];
        for (const name of bad) {
          await expect(leases.acquire(name, LONG), JSON.stringify(name)).rejects.toMatchObject({
            code: 'LEASE_INVALID_NAME',
          });
        }
        for (const ttl of [0, -1, 1.5, 9, Number.NaN, 25 * 3_600_000]) {
          await expect(leases.acquire('ttl', { ttlMs: ttl }), String(ttl)).rejects.toMatchObject({
            code: 'LEASE_INVALID_TTL',
          });
        }
        keep(taken, await leases.acquire('x'.repeat(200), LONG));
        keep(taken, await leases.acquire('follow:12345:-1001234567890', LONG));
        keep(taken, await leases.acquire('follow:12345:@ru_python', LONG));
      }),
    );
  });
}
