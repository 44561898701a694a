import { describeMessageStore, describeProgressStore } from '@tgfetch/core/testing';
import { createFsStore } from './index.js';
import { tempDir } from './testing-fixtures/temp-dir.js';

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
  describeMessageStore(`fs-store (${format})`, setup);
  describeProgressStore(`fs-store (${format})`, setup);
}
