import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** The PostgreSQL of the development machines (and CI): trust auth on loopback. */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The server to create test databases on: `DATABASE_URL`, else the one the test command's
 * `scripts/ensure-services.mjs` set up on a fresh machine (it leaves the URL inside
 * node_modules), else the default.
 */
export function testServerUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  try {
    // The repository's root is three folders up, from `src/` and `dist/` alike.
    const file = new URL('../../../node_modules/.cache/tgfetch/database-url', import.meta.url);
    return readFileSync(file, 'utf8').trim() || DEFAULT_SERVER_URL;
  } catch {
    return DEFAULT_SERVER_URL;
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own, `tgfetch_test_<random>`, on the server at `serverUrl` (default
 * `testServerUrl()`): a test run takes one and drops it at the end.
 */
export async function createTestDatabase(
  serverUrl: string = testServerUrl(),
): Promise<TestDatabase> {
  const name = `tgfetch_test_${randomBytes(6).toString('hex')}`;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  try {
    await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  } catch (error) {
    throw new Error(
      `Cannot create a test database on ${new URL(serverUrl).host} (set DATABASE_URL to a server where the user may CREATE DATABASE): ${(error as Error).message}`,
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(),
  };
}
