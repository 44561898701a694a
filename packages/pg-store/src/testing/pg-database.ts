import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

/**
 * A database of its own for one test run (vitest `globalSetup`): `tgfetch_test_<random>`,
 * created on the server of `DATABASE_URL` (default: postgres@127.0.0.1:5432, as on the
 * development machines) and dropped at the end. Tests then take a schema each.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's test database. */
    databaseUrl: string;
  }
}

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The server to create test databases on: `DATABASE_URL`, else the one the test command's
 * `scripts/ensure-services.mjs` set up on a fresh machine (it leaves the URL inside
 * node_modules), else the default.
 */
export function testServerUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  try {
    const file = new URL('../../../../node_modules/.cache/tgfetch/database-url', import.meta.url);
    return readFileSync(file, 'utf8').trim() || DEFAULT_SERVER_URL;
  } catch {
    return DEFAULT_SERVER_URL;
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `tgfetch_test_<random>` on the server at `serverUrl`. */
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const db = await createTestDatabase();
  project.provide('databaseUrl', db.url);
  return () => db.drop();
}
