import { eventually } from '@tgfetch/test-utils';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../clock.js';
import { describeLeases } from '../testing/index.js';
import { createMemoryLeases } from './leases.js';

describeLeases('memory', async () => {
  const leases = createMemoryLeases();
  return { leases, other: leases };
});

describe('memory leases on a virtual clock', () => {
  it('tell the expired holder it lost the name before the new holder has it', async () => {
    const clock = createVirtualClock(0, { autoAdvance: false });
    const leases = createMemoryLeases({ clock });
    const old = (await leases.acquire('chat', { ttlMs: 1_000 }))!;
    clock.advance(999);
    expect(await leases.acquire('chat', { ttlMs: 1_000 })).toBeUndefined();
    expect(old.held()).toBe(true);
    clock.advance(1);
    const heir = (await leases.acquire('chat', { ttlMs: 1_000 }))!;
    expect(old.lost.aborted).toBe(true);
    expect(heir.fence).toBeGreaterThan(old.fence);
    await heir.release();
  });

  it('count a renewal from when it was sent', async () => {
    const clock = createVirtualClock(0, { autoAdvance: false });
    const leases = createMemoryLeases({ clock });
    const lease = (await leases.acquire('chat', { ttlMs: 1_000 }))!;
    clock.advance(600);
    expect(await lease.renew()).toBe(true);
    expect(lease.validUntil()).toBe(1_600);
    clock.advance(999);
    expect(lease.held()).toBe(true);
    clock.advance(1);
    await eventually(() => lease.lost.aborted, { what: 'the loss' });
    expect(await lease.renew()).toBe(false);
  });
});
