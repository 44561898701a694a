import { defineGroup, setting } from './group.js';
import { int } from './schemas.js';

/** The memory store's bound. */
export const memoryGroup = defineGroup({
  name: 'memory',
  title: 'Memory store',
  summary: 'The store of `STORE=memory`: days kept in the process, lost when it ends.',
  variables: {
    MEMORY_STORE_MAX_DAYS: setting({
      schema: int(1, 1_000_000),
      default: '10000',
      doc: 'most days it holds; one more fails with `MEMORY_STORE_FULL`',
    }),
  },
});
