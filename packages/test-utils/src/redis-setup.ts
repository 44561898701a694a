import type { TestProject } from 'vitest/node';
import type {} from './provided.js';
import { startRedisServer } from './redis-server.js';

/**
 * vitest `globalSetup`: one redis-server for the whole run (or the one `REDIS_URL` names),
 * its URL provided as `redisUrl`; each test then takes a key prefix of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return async () => {};
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.close();
}
