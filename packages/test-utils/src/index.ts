/**
 * Test utilities of the tgfetch workspace (private, never published): what runs in plain
 * Node, for vitest tests, the bench and the chaos suite alike. Hooks and the contexts on
 * the run's shared servers are in `@tgfetch/test-utils/vitest`.
 */
export { bundleScript } from './bundle.js';
export {
  type ChildRun,
  type Exit,
  type SpawnOptions,
  spawnProcess,
  type WaitForOptions,
} from './child-process.js';
export { type EventLog, type LoggedEvent, recordEvents, type Subscribe } from './event-log.js';
export { type EventuallyOptions, eventually } from './eventually.js';
export { freePort } from './free-port.js';
export { lingerAfter } from './linger.js';
export {
  createTestDatabase,
  DEFAULT_SERVER_URL,
  type TestDatabase,
  testServerUrl,
} from './pg-database.js';
export { pythonSearches, pythonValidates, pythonWithJsonschema } from './python-jsonschema.js';
export { redisCli } from './redis-cli.js';
export {
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
  waitForPing,
} from './redis-server.js';
export { type TempDir, tempDir } from './temp-dir.js';
export {
  SOURCE_CONDITION,
  type WorkspacePackage,
  workspacePackages,
  workspaceSource,
  workspaceTsconfig,
} from './workspace.js';
