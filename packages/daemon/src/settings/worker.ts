import { hostname } from 'node:os';
import { defineGroup, setting } from './group.js';
import { matching } from './schemas.js';

/** The name this process goes by in events, Redis keys and consumer groups. */
export const workerGroup = defineGroup({
  name: 'worker',
  title: 'Worker',
  summary: 'The name this process goes by.',
  variables: {
    WORKER_ID: setting({
      schema: matching(/^[\x21-\x7e]{1,64}$/, 'must be 1-64 printable characters without spaces'),
      default: () => hostname(),
      shown: 'host name',
      doc: 'name of this worker in events and Redis keys; unique per live process',
    }),
  },
});
