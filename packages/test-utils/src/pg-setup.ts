import type { TestProject } from 'vitest/node';
import { createTestDatabase } from './pg-database.js';
import type {} from './provided.js';

/**
 * vitest `globalSetup`: a database of the run's own on `DATABASE_URL`'s server, provided as
 * `databaseUrl` and dropped at the end; each test then takes a schema of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const db = await createTestDatabase();
  project.provide('databaseUrl', db.url);
  return () => db.drop();
}
