import { describe, expect, it } from 'vitest';
import { createVirtualClock, systemClock } from './clock.js';

describe('systemClock', () => {
  it('sleeps on real timers', async () => {
    const before = systemClock.now();
    await systemClock.sleep(5);
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
  });

  it('rejects a sleep as soon as its signal aborts, or at once when already aborted', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});

describe('createVirtualClock', () => {
  it('moves only when asked and records sleeps', async () => {
    const clock = createVirtualClock(1000);
    clock.advance(500);
    await clock.sleep(250);
    expect(clock.now()).toBe(1750);
    expect(clock.slept).toEqual([250]);
    const controller = new AbortController();
    controller.abort();
    await expect(clock.sleep(1, controller.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('without autoAdvance, ends a sleep only once advanced past its end', async () => {
    const clock = createVirtualClock(1000, { autoAdvance: false });
    let woke = false;
    const sleeping = clock.sleep(250).then(() => {
      woke = true;
    });
    clock.advance(249);
    await new Promise(setImmediate);
    expect([woke, clock.now()]).toEqual([false, 1249]);
    clock.advance(1);
    await sleeping;
    expect([clock.now(), clock.slept]).toEqual([1250, [250]]);
  });

  it('without autoAdvance, rejects a sleep as soon as its signal aborts', async () => {
    const clock = createVirtualClock(1000, { autoAdvance: false });
    const controller = new AbortController();
    const sleeping = clock.sleep(250, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: 'ABORTED' });
    clock.advance(250);
    expect(clock.now()).toBe(1250);
  });
});
