import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import type { TgfetchError } from './errors.js';
import { keepLease } from './keep-lease.js';
import { faultyLeases, runClock } from './lease-fixture.js';
import { createMemoryLeases } from './memory/leases.js';

const setup = () => {
  const clock = createVirtualClock(0, { autoAdvance: false });
  const store = createMemoryLeases({ clock });
  return { clock, store, mine: faultyLeases(store) };
};

describe('keepLease', () => {
  it('keeps a lease held for as long as it runs, and lets go of it when stopped', async () => {
    const { clock, store, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    const stop = new AbortController();
    const kept = keepLease(lease, { clock, everyMs: 300, signal: stop.signal });
    await runClock(clock, 10_000);
    expect(lease.held()).toBe(true);
    expect(await store.acquire('chat', { ttlMs: 1_000 })).toBeUndefined();
    stop.abort();
    await kept;
    // Stopped, not released: the lease runs out on its own.
    expect(lease.ended.aborted).toBe(false);
    await runClock(clock, 1_000);
    expect(lease.lost.aborted).toBe(true);
    expect(await store.acquire('chat', { ttlMs: 1_000 })).toBeDefined();
  });

  it('tries failed renewals again, and the lease is lost once none got through in its lifetime', async () => {
    const { clock, store, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    const errors: TgfetchError[] = [];
    const kept = keepLease(lease, {
      clock,
      everyMs: 300,
      onError: (e) => errors.push(e),
      random: () => 0.5,
    });
    mine.fault = 'fail';
    await runClock(clock, 1_000);
    await kept;
    expect(lease.lost.aborted).toBe(true);
    // Several tries within the lifetime, each a retryable error, none of them spinning.
    expect(errors.length).toBeGreaterThan(1);
    expect(errors.length).toBeLessThan(20);
    for (const error of errors) expect(error).toMatchObject({ retryable: true });
    expect(await store.acquire('chat', { ttlMs: 1_000 })).toBeDefined();
  });

  it('gives up on a renewal that hangs at its deadline', async () => {
    const { clock, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    const errors: TgfetchError[] = [];
    const kept = keepLease(lease, { clock, everyMs: 300, onError: (e) => errors.push(e) });
    await runClock(clock, 700);
    mine.fault = 'hang';
    await runClock(clock, 2_000);
    await kept;
    expect(lease.lost.aborted).toBe(true);
    expect(errors[0]).toMatchObject({ code: 'LEASE_NO_REPLY', retryable: true });
  });

  it('stops at once when its signal aborts while a renewal hangs', async () => {
    const { clock, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    const stop = new AbortController();
    mine.fault = 'hang';
    const kept = keepLease(lease, { clock, everyMs: 300, timeoutMs: 300, signal: stop.signal });
    await runClock(clock, 400);
    stop.abort();
    await kept;
    expect(clock.now()).toBe(400);
    expect(lease.lost.aborted).toBe(false);
  });

  it('ends with the lease released, at once', async () => {
    const { clock, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    let done = false;
    const kept = keepLease(lease, { clock, everyMs: 300 }).then(() => {
      done = true;
    });
    await lease.release();
    await kept;
    expect(done).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it('refuses a renewal interval that is not under the lifetime', async () => {
    const { clock, mine } = setup();
    const lease = (await mine.acquire('chat', { ttlMs: 1_000 }))!;
    await expect(keepLease(lease, { clock, everyMs: 1_000 })).rejects.toMatchObject({
      code: 'LEASE_INVALID_TTL',
    });
    await lease.release();
  });
});
