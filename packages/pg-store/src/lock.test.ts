import { AbortError } from '@tgfetch/core';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgChatLock, type PgChatLock } from './chat-lock.js';

let ctx: PgTestContext;
const locks: PgChatLock[] = [];
beforeEach(async () => {
  ctx = await pgTestContext();
});
afterEach(async () => {
  await Promise.all(locks.splice(0).map((l) => l.close()));
  await ctx.cleanup();
});

const open = (over: Partial<Parameters<typeof createPgChatLock>[0]> = {}) => {
  const lock = createPgChatLock({
    connection: { connectionString: ctx.url, application_name: ctx.schema },
    schema: ctx.schema,
    minWaitMs: 10,
    maxWaitMs: 50,
    ...over,
  });
  locks.push(lock);
  return lock;
};
const signal = () => new AbortController().signal;

/** Sessions holding a chat lock of the test's schema, seen from the server. */
async function advisoryHolders(): Promise<number[]> {
  // pg_locks shows the two int4 keys as unsigned oids.
  const result = await ctx.client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
       AND classid::bigint = (hashtext($1)::bigint & 4294967295)`,
    [`tgfetch:chat:${ctx.schema}`],
  );
  return result.rows.map((r) => r.pid);
}

/** Open chat-lock sessions of the test (each hold keeps one). */
async function lockSessions(): Promise<number> {
  const result = await ctx.client.query(
    'SELECT 1 FROM pg_stat_activity WHERE application_name = $1',
    [ctx.schema],
  );
  return result.rowCount ?? 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pg chat lock', () => {
  it('lets one holder in per chat; the other waits until released', async () => {
    const a = open();
    const b = open();
    const order: string[] = [];
    const releaseA = await a.acquire('@Chat', signal());
    const waiting = b.acquire('https://t.me/chat', signal()).then((release) => {
      order.push('b');
      return release;
    });
    await until(async () => (await advisoryHolders()).length === 1, 'one holder');
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual([]);
    order.push('a-release');
    await releaseA();
    const releaseB = await waiting;
    expect(order).toEqual(['a-release', 'b']);
    await releaseB();
    await until(async () => (await advisoryHolders()).length === 0, 'no holder');
  });

  it('holds different chats at once, and another schema’s locks apart', async () => {
    const a = open();
    const other = open({ schema: `${ctx.schema}_x` });
    const r1 = await a.acquire('@one', signal());
    const r2 = await a.acquire('@two', signal());
    const r3 = await other.acquire('@one', signal());
    expect(a.held().sort()).toEqual(['@one', '@two']);
    await Promise.all([r1(), r2(), r3()]);
    expect(a.held()).toEqual([]);
  });

  it('stops waiting with an AbortError when aborted, and leaves no session behind', async () => {
    const a = open();
    const release = await a.acquire('@busy', signal());
    const controller = new AbortController();
    const waiting = open().acquire('@busy', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await release();
    await until(
      async () =>
        (
          await ctx.client.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
            ctx.schema,
          ])
        ).rowCount === 0,
      'lock sessions to end',
    );
  });

  it('with waitMs 0, fails at once with a retryable CHAT_BUSY for a held chat, leaving no session', async () => {
    // A worker must never idle on a chat another worker holds: it defers the command instead.
    const release = await open().acquire('@busy', signal());
    const eager = open({ waitMs: 0, minWaitMs: 60_000, maxWaitMs: 60_000 });
    const failure = await eager.acquire('https://t.me/busy', signal()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'CHAT_BUSY', retryable: true });
    expect(eager.held()).toEqual([]);
    await until(async () => (await lockSessions()) === 1, 'the refused session to end');
    await release();
    const again = await eager.acquire('@busy', signal());
    expect(eager.held()).toEqual(['@busy']);
    await again();
  });

  it('reports a hold lost when its connection dies, and the chat is free for others at once', async () => {
    const lost: string[] = [];
    const a = open({ checkMs: 50, onLost: (chat) => lost.push(chat) });
    const release = await a.acquire('@fragile', signal());
    const [pid] = await advisoryHolders();
    expect(pid).toBeTypeOf('number');
    // The server ends the holder's session, as when its host or the connection dies.
    await ctx.client.query('SELECT pg_terminate_backend($1)', [pid]);
    const releaseB = await open().acquire('@fragile', AbortSignal.timeout(10_000));
    await until(() => lost.length > 0, 'the loss to be reported');
    expect(lost).toEqual(['@fragile']);
    expect(a.held()).toEqual([]);
    await release(); // releasing a lost hold is harmless
    await releaseB();
  });

  it('frees every hold on close', async () => {
    const a = open();
    await a.acquire('@x', signal());
    await a.acquire('@y', signal());
    await a.close();
    await until(async () => (await advisoryHolders()).length === 0, 'no holder');
  });
});
