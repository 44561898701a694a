import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: {
    resolve: {
      // Tests run against the sources: every workspace package names its own under this
      // condition in its `exports` (the pack test checks the built packages separately).
      // The rest are Vite's defaults, which a list given here replaces.
      conditions: ['@tgfetch/source', 'module', 'node', 'development|production'],
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/**/*.test.ts', 'scripts/**/*.test.ts'],
    // One real redis-server for the transport tests (or REDIS_URL), and one PostgreSQL
    // database of the run's own (on DATABASE_URL's server); see their files.
    globalSetup: ['packages/test-utils/src/redis-setup.ts', 'packages/test-utils/src/pg-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        lines: 80,
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
