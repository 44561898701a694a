import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from './changes.js';
import { createVirtualClock } from './clock.js';
import { AbortError, FatalError, TransientError } from './errors.js';
import { followChanges } from './follow-changes.js';
import { createMemoryChangeSource, createMemoryResumeStore } from './memory/changes.js';
import { createMemoryLock } from './memory/lock.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import type { TgMessage } from './message.js';
import { makeMessages } from './testing/messages.js';

const CHAT = '@live';
const posts = makeMessages({ chat: CHAT, start: Date.parse('2025-11-05T10:00:00Z'), count: 6 });
const [first, second] = posts as [TgMessage, TgMessage];

function parts(fault?: (seq: number) => unknown) {
  const source = createMemoryChangeSource(fault ? { fault } : {});
  return {
    source,
    store: createMemoryStore(),
    progress: createMemoryProgress(),
    resume: createMemoryResumeStore(),
    lock: createMemoryLock(),
  };
}

/** Resolves once `check` holds, polling each turn of the event loop, within `ms`. */
async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('followChanges', () => {
  it('stores each batch, announces it, then saves its resume point', async () => {
    const p = parts();
    const order: string[] = [];
    const saved = p.resume.save.bind(p.resume);
    p.resume.save = async (key, point) => {
      order.push(`save ${JSON.stringify(point)}`);
      await saved(key, point);
    };
    const stop = new AbortController();
    const running = followChanges(
      p,
      {
        key: 'account',
        chats: [CHAT],
        onApplied: async (batch: ChangeBatch, result) => {
          const day = await p.store.readDay(CHAT, '2025-11-05');
          order.push(`applied ${JSON.stringify(batch.resume)} holding ${day?.messages.length}`);
          expect(result.days.map((d) => d.date)).toEqual(['2025-11-05']);
        },
      },
      stop.signal,
    );
    // Without a saved point the stream starts now: changes come after the first request.
    await until(async () => p.source.requests.length === 1);
    p.source.push({ kind: 'new', chat: CHAT, message: first });
    p.source.push({ kind: 'new', chat: CHAT, message: second });
    await until(async () => (await p.resume.load('account'))?.seq === 2);
    stop.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(order).toEqual([
      'applied {"seq":1} holding 1',
      'save {"seq":1}',
      'applied {"seq":2} holding 2',
      'save {"seq":2}',
    ]);
  });

  it('resumes after a transient failure from the point last saved, losing and doubling nothing', async () => {
    let failed = false;
    const p = parts((seq) => {
      if (seq === 3 && !failed) {
        failed = true;
        return new TransientError('NETWORK', 'connection reset');
      }
      return undefined;
    });
    const clock = createVirtualClock();
    const retries: number[] = [];
    const stop = new AbortController();
    const running = followChanges(
      p,
      { key: 'account', chats: [CHAT], clock, onRetry: (_e, attempt) => retries.push(attempt) },
      stop.signal,
    );
    running.catch(() => {});
    await until(async () => p.source.requests.length === 1);
    for (const message of posts) p.source.push({ kind: 'new', chat: CHAT, message });
    p.source.push({
      kind: 'deleted',
      chat: CHAT,
      ids: [2],
      at: Date.parse('2025-11-06T00:00:00Z'),
    });
    await until(async () => (await p.resume.load('account'))?.seq === posts.length + 1);
    stop.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(retries).toEqual([1]);
    expect(clock.slept).toHaveLength(1);
    const froms = p.source.requests.map((r) => r.from?.seq ?? 0);
    expect(froms).toEqual([0, 2]);
    const day = await p.store.readDay(CHAT, '2025-11-05');
    expect(day?.messages.map((m) => [m.id, m.deleted ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
    ]);
  });

  it('rejects with a failure no retry fixes, leaving the point where it was', async () => {
    const p = parts((seq) =>
      seq === 2 ? new FatalError('BAD_POINT', 'not this source') : undefined,
    );
    await p.resume.save('k', { seq: 0 });
    p.source.push({ kind: 'new', chat: CHAT, message: first });
    p.source.push({ kind: 'new', chat: CHAT, message: second });
    const failure = followChanges(p, { key: 'k', chats: [CHAT] }, new AbortController().signal);
    await expect(failure).rejects.toMatchObject({ code: 'BAD_POINT' });
    expect(await p.resume.load('k')).toEqual({ seq: 1 });
  });

  it('holds the chat lock while applying, so a fetch of the chat waits for the batch', async () => {
    const p = parts();
    const release = await p.lock.acquire(CHAT, new AbortController().signal);
    let asked!: () => void;
    const askedForLock = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const acquire = p.lock.acquire.bind(p.lock);
    p.lock.acquire = (chat, signal) => {
      asked();
      return acquire(chat, signal);
    };
    await p.resume.save('k', { seq: 0 });
    p.source.push({ kind: 'new', chat: CHAT, message: first });
    const stop = new AbortController();
    const running = followChanges(p, { key: 'k', chats: [CHAT] }, stop.signal);
    running.catch(() => {});
    // The batch is read but cannot be applied while another holder has the chat.
    await askedForLock;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await p.store.readDay(CHAT, '2025-11-05')).toBeUndefined();
    await release();
    await until(async () => (await p.resume.load('k'))?.seq === 1);
    stop.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
  });
});
