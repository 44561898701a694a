import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { migratePg, openPgStore } from './store.js';

let ctx: PgTestContext;
beforeEach(async () => {
  ctx = await pgTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const options = () => ({ connection: { connectionString: ctx.url }, schema: ctx.schema });

describe('migrations', () => {
  it('apply once when several workers start at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => migratePg(options())));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(results.every((r) => r.version === SCHEMA_VERSION)).toBe(true);
    const rows = await ctx.client.query(
      `SELECT version FROM "${ctx.schema}".schema_migrations ORDER BY version`,
    );
    expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('are applied by opening the store, and a second run changes nothing', async () => {
    const store = await openPgStore(options());
    expect(store.migration?.applied).toEqual(MIGRATIONS.map((m) => m.version));
    await store.close();
    expect((await migratePg(options())).applied).toEqual([]);
  });

  it('refuse a schema newer than this code, with a stable code', async () => {
    await migratePg(options());
    await ctx.client.query(
      `INSERT INTO "${ctx.schema}".schema_migrations (version, name) VALUES (9999, 'future')`,
    );
    await expect(migratePg(options())).rejects.toMatchObject({ code: 'PG_SCHEMA_TOO_NEW' });
    await expect(openPgStore(options())).rejects.toMatchObject({ code: 'PG_SCHEMA_TOO_NEW' });
  });

  it('refuse a schema name that is not a plain identifier', async () => {
    for (const schema of ['Bad', 'a-b', 'x"; DROP TABLE y; --', '', 'a'.repeat(64)]) {
      await expect(migratePg({ ...options(), schema })).rejects.toMatchObject({
        code: 'PG_INVALID_SCHEMA',
      });
    }
  });
});
