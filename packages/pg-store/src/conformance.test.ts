import {
  describeChangeApplier,
  describeMessageStore,
  describeProgressStore,
} from '@tgfetch/core/testing';
import { pgTestContext } from '@tgfetch/test-utils/vitest';
import { openPgStore } from './store.js';

const setup = async () => {
  const ctx = await pgTestContext();
  const store = await openPgStore({
    connection: { connectionString: ctx.url },
    schema: ctx.schema,
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await ctx.cleanup();
    },
  };
};

describeMessageStore('pg-store', setup, { dayComments: true });
describeProgressStore('pg-store', setup);
describeChangeApplier('pg-store', async () => {
  const { store, cleanup } = await setup();
  return { store, progress: store, cleanup, runs: 6 };
});
