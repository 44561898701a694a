import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { inTransaction } from './transaction.js';

let ctx: PgTestContext;
let pool: pg.Pool;
beforeEach(async () => {
  ctx = await pgTestContext();
  pool = new pg.Pool({ connectionString: ctx.url, max: 2 });
  pool.on('error', () => undefined);
});
afterEach(async () => {
  await pool.end();
  await ctx.cleanup();
});

it('survives its connection being cut mid-transaction (PostgreSQL restarting): the call rejects, the process lives', async () => {
  const cut = inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Another session ends this one, as a server restart would; the next query fails.
    await ctx.client.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await client.query('SELECT pg_sleep(0.2)');
  });
  await expect(cut).rejects.toThrow();
  // The broken connection left the pool; a new transaction works.
  await expect(
    inTransaction(pool, async (client) => (await client.query('SELECT 1')).rowCount),
  ).resolves.toBe(1);
});
