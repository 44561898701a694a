import { defineGroup, setting } from './group.js';
import { int, text } from './schemas.js';

/** How `tgfetch persist` reads the messages stream. */
export const persistGroup = defineGroup({
  name: 'persist',
  title: 'Persistence worker',
  summary: 'How `tgfetch persist` reads the messages stream into PostgreSQL.',
  variables: {
    PERSIST_GROUP: setting({
      schema: text(),
      default: 'post_persist_workers',
      doc: 'consumer group of `tgfetch persist`',
    }),
    PERSIST_BATCH_SIZE: setting({
      schema: int(1, 10_000),
      default: '100',
      doc: 'entries read and upserted per transaction by `tgfetch persist`',
    }),
    PERSIST_CLAIM_IDLE_MS: setting({
      schema: int(1000, 3_600_000),
      default: '60000',
      doc: 'entries a dead persist worker held this long are taken over (`MAX_DELIVERIES` bounds the redeliveries)',
    }),
  },
});
