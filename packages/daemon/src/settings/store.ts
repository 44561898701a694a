import { STORE_KINDS, STORES } from '../compose/stores.js';
import { defineGroup, setting } from './group.js';
import { messagesGroup } from './messages.js';
import { oneOf } from './schemas.js';

/** Where days go: one of the stores of `compose/stores.ts`. */
export const storeGroup = defineGroup({
  name: 'store',
  title: 'Store',
  summary: 'Where days go; the store chosen brings in the settings it reads.',
  variables: {
    STORE: setting({
      schema: oneOf(STORE_KINDS),
      default: 'fs',
      doc: STORE_KINDS.map((kind) => `\`${kind}\`: ${STORES[kind].help}`).join('; '),
    }),
  },
  requires: () => [
    ...STORE_KINDS.map((kind) => ({
      when: `with \`STORE=${kind}\``,
      groups: STORES[kind].settings,
      applies: (values: { STORE?: string }) => values.STORE === kind,
    })),
    // Every store appends to MESSAGES_STREAM when it is set.
    { when: '', groups: [messagesGroup], applies: () => true },
  ],
});
