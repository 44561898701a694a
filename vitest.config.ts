import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; the pack test checks the built packages separately.
    alias: [
      { find: /^@tgfetch\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
      { find: /^@tgfetch\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@tgfetch\/telegram\/testing$/, replacement: src('telegram/src/testing/index.ts') },
      { find: /^@tgfetch\/telegram\/export$/, replacement: src('telegram/src/export/index.ts') },
      { find: /^@tgfetch\/telegram\/proxy$/, replacement: src('telegram/src/proxy.ts') },
      { find: /^@tgfetch\/telegram\/errors$/, replacement: src('telegram/src/error-codes.ts') },
      { find: /^@tgfetch\/telegram$/, replacement: src('telegram/src/index.ts') },
      { find: /^@tgfetch\/fs-store$/, replacement: src('fs-store/src/index.ts') },
      { find: /^@tgfetch\/pg-store$/, replacement: src('pg-store/src/index.ts') },
      { find: /^@tgfetch\/redis-transport$/, replacement: src('redis-transport/src/index.ts') },
      { find: /^@tgfetch\/daemon$/, replacement: src('daemon/src/index.ts') },
      { find: /^@tgfetch\/console$/, replacement: src('console/src/index.ts') },
      { find: /^@tgfetch\/test-utils\/vitest$/, replacement: src('test-utils/src/vitest.ts') },
      { find: /^@tgfetch\/test-utils$/, replacement: src('test-utils/src/index.ts') },
    ],
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
