import { describeGroup } from '../testing/settings.js';
import { persistGroup } from './persist.js';

describeGroup(persistGroup, {
  defaults: {
    PERSIST_GROUP: 'post_persist_workers',
    PERSIST_BATCH_SIZE: 100,
    PERSIST_CLAIM_IDLE_MS: 60_000,
  },
  cases: [
    ['PERSIST_BATCH_SIZE', '10001', 'PERSIST_BATCH_SIZE must be at most 10000', '10', 10],
    ['PERSIST_CLAIM_IDLE_MS', '999', 'PERSIST_CLAIM_IDLE_MS must be at least 1000', '5000', 5000],
  ],
});
