import { describe, expect, it } from 'vitest';
import { createLifetime, StoppedBeforeReady } from './lifetime.js';

/** A resource that writes into `log` when it is closed. */
const resource = (name: string, log: string[]) => ({
  name,
  close: async () => {
    log.push(name);
  },
});

describe('the lifetime of what a command opens', () => {
  it('closes everything once, last opened first, a failing close not stopping the rest', async () => {
    const closed: string[] = [];
    const failures: unknown[] = [];
    const lifetime = createLifetime({ onCloseError: (error) => failures.push(error) });
    await lifetime.open(Promise.resolve(resource('redis', closed)));
    await lifetime.open(
      Promise.resolve({
        close: async () => {
          throw new Error('socket already gone');
        },
      }),
    );
    lifetime.defer(() => closed.push('timer'));
    await lifetime.open(Promise.resolve(resource('store', closed)));
    await lifetime.close();
    await lifetime.close();
    expect(closed).toEqual(['store', 'timer', 'redis']);
    expect(failures).toEqual([new Error('socket already gone')]);
  });

  it('a stop cuts an opening short, and what it opens late is closed again', async () => {
    const closed: string[] = [];
    let stop!: () => void;
    const lifetime = createLifetime({ stopped: new Promise<void>((r) => (stop = r)) });
    await lifetime.open(Promise.resolve(resource('redis', closed)));
    let finish!: (value: ReturnType<typeof resource>) => void;
    const slow = new Promise<ReturnType<typeof resource>>((r) => (finish = r));
    const opening = lifetime.open(slow);
    stop();
    await expect(opening).rejects.toBeInstanceOf(StoppedBeforeReady);
    finish(resource('late source', closed));
    await lifetime.close();
    await slow;
    await new Promise((r) => setImmediate(r));
    expect(closed.sort()).toEqual(['late source', 'redis']);
  });

  it('leaves a failed opening to its caller and still closes what came before', async () => {
    const closed: string[] = [];
    const lifetime = createLifetime({});
    await lifetime.open(Promise.resolve(resource('redis', closed)));
    const refused = Object.assign(new Error('WRONGPASS'), { code: 'REDIS_AUTH' });
    await expect(lifetime.open(Promise.reject(refused))).rejects.toBe(refused);
    await lifetime.close();
    expect(closed).toEqual(['redis']);
  });
});
