import { hostname } from 'node:os';
import { describeGroup } from '../testing/settings.js';
import { workerGroup } from './worker.js';

describeGroup(workerGroup, {
  defaults: { WORKER_ID: hostname() },
  cases: [['WORKER_ID', 'has space', 'WORKER_ID must be 1-64 printable characters', 'w-1', 'w-1']],
});
