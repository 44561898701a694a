import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type {} from './provided.js';

/** A test's share of the run's database: a schema of its own, dropped by `cleanup`. */
export interface PgTestContext {
  url: string;
  schema: string;
  /** A plain client for checks the test makes itself. */
  client: pg.Client;
  cleanup(): Promise<void>;
}

export async function pgTestContext(url: string = inject('databaseUrl')): Promise<PgTestContext> {
  const schema = `t_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  return {
    url,
    schema,
    client,
    async cleanup() {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
