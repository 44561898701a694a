import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { type HeldLeases, holdLeases, type LeaseChange } from './hold-leases.js';
import { faultyLeases, runClock } from './lease-fixture.js';
import type { Lease, Leases } from './leases.js';
import { createMemoryLeases } from './memory/leases.js';

const TTL = 1_000;
const CHATS = ['follow:1:@alpha', 'follow:1:@beta', 'follow:1:-1001234567890'];

/** Two processes on one store, each seeing it through a network that may fail. */
const setup = () => {
  const clock = createVirtualClock(0, { autoAdvance: false });
  const store = createMemoryLeases({ clock });
  const log: Array<LeaseChange & { by: string }> = [];
  const open: HeldLeases[] = [];
  const process = (by: string, names = CHATS, leases: Leases = faultyLeases(store)) => {
    const held = holdLeases(leases, names, {
      ttlMs: TTL,
      clock,
      random: () => 0.5,
      onChange: (change) => {
        // One holder per name at any time: whoever held it before knows it is gone.
        if (change.kind === 'held') {
          for (const other of log) {
            if (other.kind === 'held' && other.name === change.name && other.by !== by) {
              expect(other.lease.ended.aborted).toBe(true);
            }
          }
        }
        log.push({ ...change, by });
      },
    });
    open.push(held);
    return held;
  };
  const stopAll = () => Promise.all(open.map((held) => held.stop()));
  const names = (held: HeldLeases) => [...held.held().keys()].sort();
  return { clock, store, log, process, stopAll, names };
};

describe('holdLeases', () => {
  it('holds the free names at once, and the others once their holder lets go', async () => {
    const { clock, log, process, stopAll, names } = setup();
    const a = process('a');
    await runClock(clock, 10);
    expect(names(a)).toEqual([...CHATS].sort());
    const b = process('b');
    await runClock(clock, 2 * TTL);
    expect(names(b)).toEqual([]);
    await a.stop();
    expect(log.filter((c) => c.by === 'a' && c.kind === 'released')).toHaveLength(3);
    // b tries again every ttl/2.
    await runClock(clock, TTL / 2);
    expect(names(b)).toEqual([...CHATS].sort());
    await stopAll();
  });

  it('takes over the names of a holder cut off from the store within ttl + retryEveryMs', async () => {
    const { clock, store, log, process, stopAll, names } = setup();
    const cutOff = faultyLeases(store);
    const a = process('a', CHATS, cutOff);
    await runClock(clock, 10);
    const b = process('b');
    await runClock(clock, 1_000);
    expect(names(b)).toEqual([]);
    const diedAt = clock.now();
    cutOff.fault = 'fail';
    await runClock(clock, TTL + TTL / 2);
    expect(names(b)).toEqual([...CHATS].sort());
    expect(names(a)).toEqual([]);
    const took = log.filter((c) => c.by === 'b' && c.kind === 'held');
    expect(took).toHaveLength(3);
    for (const change of took) {
      const before = log.find((c) => c.by === 'a' && c.kind === 'held' && c.name === change.name);
      expect(change.lease.fence).toBeGreaterThan(before!.lease.fence);
    }
    expect(log.filter((c) => c.by === 'a' && c.kind === 'lost').map((c) => c.name)).toEqual(
      expect.arrayContaining(CHATS),
    );
    expect(clock.now() - diedAt).toBeLessThanOrEqual(TTL + TTL / 2);
    await stopAll();
  });

  it('takes a name back after a blip nobody else used, with a greater fence', async () => {
    const { clock, store, log, process, stopAll, names } = setup();
    const flaky = faultyLeases(store);
    const a = process('a', CHATS.slice(0, 1), flaky);
    await runClock(clock, 10);
    flaky.fault = 'hang';
    await runClock(clock, TTL);
    expect(names(a)).toEqual([]);
    flaky.fault = 'none';
    await runClock(clock, TTL);
    expect(names(a)).toEqual(CHATS.slice(0, 1));
    const kinds = log.map((c) => c.kind);
    expect(kinds).toEqual(['held', 'lost', 'held']);
    expect(log[2]!.lease.fence).toBeGreaterThan(log[0]!.lease.fence);
    await stopAll();
  });

  it('follows what is wanted: new names at once, names no longer wanted released', async () => {
    const { clock, log, process, stopAll, names } = setup();
    const a = process('a', []);
    await runClock(clock, 10);
    a.want(CHATS.slice(0, 2));
    await runClock(clock, 10);
    expect(names(a)).toEqual(CHATS.slice(0, 2).sort());
    a.want(CHATS.slice(1));
    await runClock(clock, 10);
    expect(names(a)).toEqual(CHATS.slice(1).sort());
    expect(log.find((c) => c.kind === 'released')).toMatchObject({ name: CHATS[0] });
    const b = process('b', CHATS.slice(0, 1));
    await runClock(clock, 10);
    expect(names(b)).toEqual(CHATS.slice(0, 1));
    expect(() => a.want(['fine', 'not fine'])).toThrow(
      expect.objectContaining({ code: 'LEASE_INVALID_NAME' }),
    );
    await runClock(clock, 10);
    expect(names(a)).toEqual(CHATS.slice(1).sort());
    await stopAll();
  });

  it('stops on its signal, releasing what it holds, once', async () => {
    const clock = createVirtualClock(0, { autoAdvance: false });
    const store = createMemoryLeases({ clock });
    const stop = new AbortController();
    const changes: LeaseChange[] = [];
    const held = holdLeases(store, CHATS, {
      ttlMs: TTL,
      clock,
      signal: stop.signal,
      onChange: (c) => changes.push(c),
    });
    await runClock(clock, 10);
    const leases: Lease[] = [...held.held().values()];
    stop.abort();
    await held.stop();
    await held.stop();
    expect(held.held().size).toBe(0);
    expect(changes.filter((c) => c.kind === 'released')).toHaveLength(CHATS.length);
    for (const lease of leases) expect(lease.ended.aborted).toBe(true);
    for (const name of CHATS) expect(await store.acquire(name, { ttlMs: TTL })).toBeDefined();
  });

  it('goes on holding when a listener throws, telling onError', async () => {
    const clock = createVirtualClock(0, { autoAdvance: false });
    const errors: string[] = [];
    const held = holdLeases(createMemoryLeases({ clock }), CHATS, {
      ttlMs: TTL,
      clock,
      onChange: () => {
        throw new Error('a listener bug');
      },
      onError: (error, name) => errors.push(`${name}: ${error.message}`),
    });
    await runClock(clock, 3 * TTL);
    expect(held.held().size).toBe(CHATS.length);
    expect(errors).toHaveLength(CHATS.length);
    await held.stop();
  });

  it('refuses bad names and lifetimes before it starts', () => {
    const store = createMemoryLeases();
    expect(() => holdLeases(store, ['a/b'], { ttlMs: TTL })).toThrow(
      expect.objectContaining({ code: 'LEASE_INVALID_NAME' }),
    );
    for (const options of [{ ttlMs: 5 }, { ttlMs: TTL, renewEveryMs: TTL }]) {
      expect(() => holdLeases(store, ['a'], options)).toThrow(
        expect.objectContaining({ code: 'LEASE_INVALID_TTL' }),
      );
    }
  });
});
