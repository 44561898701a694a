import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { type FetchCommand, parseCommand } from './command.js';
import { runFetch } from './engine.js';
import { FatalError, TransientError } from './errors.js';
import { createMemoryEventSink } from './memory/events.js';
import { createMemoryLock } from './memory/lock.js';
import { createMemorySource } from './memory/source.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import type { TgMessage } from './message.js';
import type { ChatLock, MessageSource } from './ports.js';
import { makeMessages } from './testing/messages.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const ID = '-1001234567890';
const HISTORY = makeMessages({
  chat: ID,
  start: Date.parse('2025-11-01T00:10:00Z'),
  count: 200,
  step: 50 * 60_000,
});

function command(chat: string, id: string): FetchCommand {
  const parsed = parseCommand(
    { command: 'fetch', chat, command_id: id, mode: 'range', from: '2025-11-03', to: '2025-11-04' },
    { now: NOW },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.command;
}

/** A source that knows the chat by its id and by its username, like Telegram. */
function namedSource(fail?: () => Error | undefined): MessageSource & { asked: string[] } {
  const inner = createMemorySource({ [ID]: HISTORY });
  const asked: string[] = [];
  return {
    asked,
    messages: (request, signal) => inner.messages(request, signal),
    async resolveChat(chat) {
      asked.push(chat);
      const error = fail?.();
      if (error) throw error;
      if (chat === '@ru_python' || chat === ID) return ID;
      throw new FatalError('CHAT_NOT_FOUND', `no ${chat}`);
    },
  };
}

describe('one chat, one identity', () => {
  it('a username, a t.me link and the id share folder, progress, lock and events', async () => {
    const source = namedSource();
    const store = createMemoryStore();
    const progress = createMemoryProgress();
    const events = createMemoryEventSink();
    const inner = createMemoryLock();
    const locked: string[] = [];
    const lock: ChatLock = {
      acquire(chat, signal) {
        locked.push(chat);
        return inner.acquire(chat, signal);
      },
    };
    const ports = { source, store, progress, events, lock };
    const options = { clock: createVirtualClock(NOW) };
    const first = await runFetch(command('@Ru_Python', 'a'), ports, options);
    const second = await runFetch(command('https://t.me/ru_python', 'b'), ports, options);
    const third = await runFetch(command(ID, 'c'), ports, options);
    expect([first.chat, second.chat, third.chat]).toEqual([ID, ID, ID]);
    expect(locked).toEqual([ID, ID, ID]);
    expect(await store.readDay('@ru_python', '2025-11-03')).toBeUndefined();
    expect((await store.readDay(ID, '2025-11-03'))?.messages.length).toBeGreaterThan(0);
    // The second and third commands found the days complete under the one identity.
    expect(second.days?.length).toBe(2);
    expect((second.days ?? []).every((d) => d.skipped)).toBe(true);
    expect((third.days ?? []).every((d) => d.skipped)).toBe(true);
    expect(events.events.every((e) => e.chat === ID)).toBe(true);
    expect(events.events.filter((e) => e.command_id === 'a').map((e) => e.requested_chat)).toEqual([
      '@ru_python',
      '@ru_python',
      '@ru_python',
      '@ru_python',
    ]);
    expect(third.requested_chat).toBe(ID);
  });

  it('an unknown chat fails before anything is locked or stored', async () => {
    const source = namedSource();
    const store = createMemoryStore();
    const events = createMemoryEventSink();
    const lock: ChatLock = {
      acquire: () => {
        throw new Error('must not lock');
      },
    };
    const outcome = await runFetch(
      command('@nobody', 'x'),
      { source, store, progress: createMemoryProgress(), events, lock },
      { clock: createVirtualClock(NOW) },
    );
    expect(outcome).toMatchObject({
      event: 'failed',
      chat: '@nobody',
      requested_chat: '@nobody',
      error: { code: 'CHAT_NOT_FOUND', retryable: false },
    });
    expect(events.events.map((e) => e.event)).toEqual(['failed']);
  });

  it('retries a transient failure of the resolve', async () => {
    let failures = 1;
    const source = namedSource(() =>
      failures-- > 0 ? new TransientError('NETWORK', 'x') : undefined,
    );
    const outcome = await runFetch(
      command('@ru_python', 'r'),
      {
        source,
        store: createMemoryStore(),
        progress: createMemoryProgress(),
        events: createMemoryEventSink(),
      },
      { clock: createVirtualClock(NOW), random: () => 0.5 },
    );
    expect(outcome).toMatchObject({ event: 'completed', chat: ID, errors: 1 });
    expect(source.asked).toEqual(['@ru_python', '@ru_python']);
  });
});

describe('a migrated group: two peers, overlapping ids', () => {
  // The old basic group's messages 1..40 (ids overlapping the supergroup's), then the
  // supergroup's own 1..40; a source yields the supergroup first, then the old group.
  const OLD = { kind: 'chat' as const, id: 555 };
  const start = Date.parse('2025-11-03T00:00:00Z');
  const old: TgMessage[] = makeMessages({ chat: ID, start, count: 40, step: 30 * 60_000 }).map(
    (m) => ({ ...m, peer: OLD }),
  );
  const own = makeMessages({
    chat: ID,
    start: start + 20 * 3600_000,
    count: 40,
    step: 30 * 60_000,
  });

  function migratedSource(failAfter?: number): MessageSource {
    let served = 0;
    return {
      async *messages(request) {
        const newestFirst = [...own].reverse().concat([...old].reverse());
        for (const m of newestFirst) {
          const t = Date.parse(m.date);
          if (t < request.from || t >= request.to) continue;
          if (request.beforeId !== undefined) {
            const resumeOld = request.beforePeer !== undefined;
            if (resumeOld && !m.peer) continue;
            if ((resumeOld ? !!m.peer : !m.peer) && m.id >= request.beforeId) continue;
          }
          if (failAfter !== undefined && served++ === failAfter) {
            throw new TransientError('NETWORK', 'cut');
          }
          yield m;
        }
      },
    };
  }

  it.each([
    ['in one walk', undefined],
    ['resuming inside the old group after an error', 50],
    ['resuming at the seam after an error', 40],
  ])('stores every message of both peers once, %s', async (_, failAfter) => {
    const store = createMemoryStore();
    const outcome = await runFetch(
      command(ID, 'm'),
      {
        source: migratedSource(failAfter),
        store,
        progress: createMemoryProgress(),
        events: createMemoryEventSink(),
      },
      { clock: createVirtualClock(NOW), random: () => 0.5 },
    );
    expect(outcome.event).toBe('completed');
    const stored = [
      ...((await store.readDay(ID, '2025-11-03'))?.messages ?? []),
      ...((await store.readDay(ID, '2025-11-04'))?.messages ?? []),
    ];
    const keys = stored.map((m) => `${m.peer ? 'old' : 'own'}:${m.id}`);
    expect(new Set(keys).size).toBe(80);
    expect(keys.length).toBe(80);
    // Old history first, each peer by id.
    const day3 = (await store.readDay(ID, '2025-11-03'))?.messages ?? [];
    const firstOwn = day3.findIndex((m) => !m.peer);
    expect(day3.slice(firstOwn).every((m) => !m.peer)).toBe(true);
  });
});
