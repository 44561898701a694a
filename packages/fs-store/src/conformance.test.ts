import {
  describeChangeApplier,
  describeMessageStore,
  describeProgressStore,
} from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { createFsStore } from './index.js';

for (const format of ['json', 'jsonl'] as const) {
  const setup = async () => {
    const { dir, cleanup } = await tempDir();
    const store = createFsStore({ dataDir: dir, format });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await cleanup();
      },
    };
  };
  describeMessageStore(`fs-store (${format})`, setup, { dayComments: true });
  describeProgressStore(`fs-store (${format})`, setup);
  describeChangeApplier(`fs-store (${format})`, async () => {
    const { store, cleanup } = await setup();
    return { store, progress: store, cleanup, runs: 6 };
  });
}
