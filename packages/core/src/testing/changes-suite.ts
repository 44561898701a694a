import { describe, expect, it } from 'vitest';
import type {
  ChangeBatch,
  ChangeRequest,
  ChangeSource,
  MessageChange,
  ResumePoint,
  ResumeStore,
} from '../changes.js';
import type { ChatRef } from '../chat.js';
import { TgfetchError } from '../errors.js';
import type { StoreFixture } from './store-suite.js';

export interface ChangeSourceFixture {
  source: ChangeSource;
  /** Two chats the source can follow. */
  chats: readonly [ChatRef, ChatRef];
  /**
   * Makes `count` changes happen in the two chats, some in each, as the source sees them
   * (pushed batches for the memory source; posts, edits and deletions for a simulated
   * Telegram). Resolves once the source has them.
   */
  produce(count: number): Promise<void>;
  cleanup?: () => Promise<void>;
  /** How long a stream may take to yield what was produced. @default 5000 */
  deadlineMs?: number;
}

interface Stream {
  /** The next `count` changes (and the batches they came in), within the deadline. */
  take(count: number): Promise<{ changes: MessageChange[]; batches: ChangeBatch[] }>;
  stop(): Promise<void>;
}

function open(source: ChangeSource, request: ChangeRequest, deadlineMs: number): Stream {
  const controller = new AbortController();
  const iterator = source.changes(request, controller.signal)[Symbol.asyncIterator]();
  const pending: MessageChange[] = [];
  const seen: ChangeBatch[] = [];
  return {
    async take(count) {
      const batches: ChangeBatch[] = [];
      const until = Date.now() + deadlineMs;
      while (pending.length < count) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`${pending.length} of ${count} changes came within ${deadlineMs} ms`),
              ),
            Math.max(0, until - Date.now()),
          );
        });
        const next = await Promise.race([iterator.next(), late]).finally(() => clearTimeout(timer));
        if (next.done)
          throw new Error(`the stream ended after ${pending.length} of ${count} changes`);
        seen.push(next.value);
        batches.push(next.value);
        pending.push(...next.value.changes);
      }
      // A batch is taken whole: a test that asks for fewer changes than its batches hold fails.
      expect(pending.length).toBe(count);
      return { changes: pending.splice(0), batches };
    },
    async stop() {
      controller.abort();
      await iterator.return?.().catch(() => undefined);
    },
  };
}

/** The chats a change concerns. */
function chatsOf(change: MessageChange): readonly ChatRef[] {
  if (change.chat !== undefined) return [change.chat];
  return change.kind === 'deleted' ? (change.among ?? []) : [];
}

/** What a stream of only `chat` should yield of `change`, or undefined. */
function onlyOf(change: MessageChange, chat: ChatRef): MessageChange | undefined {
  if (change.chat !== undefined) return change.chat === chat ? change : undefined;
  if (change.kind !== 'deleted' || !change.among?.includes(chat)) return undefined;
  return { ...change, among: [chat] };
}

/**
 * The `ChangeSource` contract: changes after the call, in order, in batches that each carry
 * a JSON-safe point to resume after; resuming from a point (as persisted) yields exactly the
 * changes after it, no gap and no repeat; only the chats asked for; stops on abort.
 */
export function describeChangeSource(
  name: string,
  setup: () => Promise<ChangeSourceFixture>,
): void {
  describe(`ChangeSource conformance: ${name}`, () => {
    const withFixture =
      (fn: (f: ChangeSourceFixture, streams: Stream[]) => Promise<void>) => async () => {
        const fixture = await setup();
        const streams: Stream[] = [];
        try {
          await fn(fixture, streams);
        } finally {
          await Promise.all(streams.map((s) => s.stop()));
          await fixture.cleanup?.();
        }
      };
    const follow = (f: ChangeSourceFixture, streams: Stream[], request: ChangeRequest) => {
      const stream = open(f.source, request, f.deadlineMs ?? 5_000);
      streams.push(stream);
      return stream;
    };
    const asPersisted = (point: ResumePoint): ResumePoint => JSON.parse(JSON.stringify(point));

    it(
      'yields the changes made after the call, each batch with a JSON-safe point to resume after',
      withFixture(async (f, streams) => {
        const stream = follow(f, streams, { chats: f.chats });
        await f.produce(6);
        const { changes, batches } = await stream.take(6);
        for (const change of changes) {
          expect(['new', 'edited', 'deleted']).toContain(change.kind);
          expect(chatsOf(change).length).toBeGreaterThan(0);
          for (const chat of chatsOf(change)) expect(f.chats).toContain(chat);
        }
        for (const batch of batches) expect(asPersisted(batch.resume)).toEqual(batch.resume);
      }),
    );

    it(
      'resumes exactly after a point, as persisted: no gap, no repeat',
      withFixture(async (f, streams) => {
        const first = follow(f, streams, { chats: f.chats });
        await f.produce(8);
        const { changes, batches } = await first.take(8);
        const cut = Math.floor(batches.length / 2);
        expect(cut).toBeGreaterThan(0);
        const before = batches.slice(0, cut).flatMap((b) => b.changes).length;
        const point = asPersisted(batches[cut - 1]!.resume);
        const resumed = follow(f, streams, { chats: f.chats, from: point });
        expect((await resumed.take(changes.length - before)).changes).toEqual(
          changes.slice(before),
        );
        // From the last point: only what happens next.
        const last = follow(f, streams, {
          chats: f.chats,
          from: asPersisted(batches.at(-1)!.resume),
        });
        await f.produce(3);
        const next = (await first.take(3)).changes;
        expect((await last.take(3)).changes).toEqual(next);
        expect((await resumed.take(3)).changes).toEqual(next);
      }),
    );

    it(
      'yields only the chats asked for',
      withFixture(async (f, streams) => {
        const both = follow(f, streams, { chats: f.chats });
        const one = follow(f, streams, { chats: [f.chats[0]] });
        await f.produce(8);
        const all = (await both.take(8)).changes;
        const expected = all.flatMap((c) => onlyOf(c, f.chats[0]) ?? []);
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(all.length);
        expect((await one.take(expected.length)).changes).toEqual(expected);
      }),
    );

    it(
      'stops when the signal aborts',
      withFixture(async (f) => {
        const controller = new AbortController();
        const iterator = f.source
          .changes({ chats: f.chats }, controller.signal)
          [Symbol.asyncIterator]();
        const waiting = iterator.next();
        controller.abort();
        const outcome = await waiting.then(
          (r) => r,
          (e: unknown) => e,
        );
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(TgfetchError);
          expect((outcome as TgfetchError).code).toBe('ABORTED');
        } else {
          expect(outcome).toMatchObject({ done: true });
        }
      }),
    );
  });
}

/**
 * The `ResumeStore` contract: a point per key, given back as saved (through JSON), replaced
 * whole, keys apart, copies handed out.
 */
export function describeResumeStore(
  name: string,
  setup: () => Promise<StoreFixture<ResumeStore>>,
): void {
  describe(`ResumeStore conformance: ${name}`, () => {
    const withStore = (fn: (store: ResumeStore) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture.store);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const point: ResumePoint = {
      pts: 4_000_000_123,
      qts: 0,
      date: 1_762_510_000,
      seq: 17,
      channels: { '1234567890': 881, '1987654321': 12 },
      note: 'ünïcode',
      flags: [true, null],
    };

    it(
      'knows nothing of a new key',
      withStore(async (store) => {
        expect(await store.load('account-1')).toBeUndefined();
      }),
    );

    it(
      'gives back what was saved',
      withStore(async (store) => {
        await store.save('account-1', point);
        expect(await store.load('account-1')).toEqual(point);
      }),
    );

    it(
      'replaces a point saved again, whole',
      withStore(async (store) => {
        await store.save('account-1', point);
        await store.save('account-1', { pts: 5 });
        expect(await store.load('account-1')).toEqual({ pts: 5 });
      }),
    );

    it(
      'keeps keys apart',
      withStore(async (store) => {
        await store.save('account-1', point);
        await store.save('account-2', { pts: 1 });
        expect(await store.load('account-1')).toEqual(point);
        expect(await store.load('account-2')).toEqual({ pts: 1 });
      }),
    );

    it(
      'hands out copies: changing one changes nothing stored',
      withStore(async (store) => {
        const mine = structuredClone(point);
        await store.save('account-1', mine);
        mine.pts = 1;
        const loaded = (await store.load('account-1'))!;
        loaded.qts = 99;
        expect(await store.load('account-1')).toEqual(point);
      }),
    );

    it(
      'takes concurrent saves of different keys',
      withStore(async (store) => {
        const keys = Array.from({ length: 8 }, (_, i) => `account-${i}`);
        await Promise.all(keys.map((key, i) => store.save(key, { pts: i })));
        for (const [i, key] of keys.entries()) expect(await store.load(key)).toEqual({ pts: i });
      }),
    );
  });
}
