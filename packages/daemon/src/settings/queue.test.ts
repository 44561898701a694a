import { describeGroup } from '../testing/settings.js';
import { queueGroup } from './queue.js';

describeGroup(queueGroup, {
  defaults: {
    QUEUE_NAME: 'tg_commands',
    QUEUE_MODE: 'list',
    MAX_DELIVERIES: 5,
    QUEUE_VISIBILITY_MS: 30_000,
    MAX_COMMAND_DAYS: 366,
    MAX_QUEUE_LENGTH: 10_000,
    CHAT_LOCK_TTL_MS: 30_000,
  },
  cases: [
    ['QUEUE_MODE', 'kafka', 'QUEUE_MODE must be list or stream', 'stream', 'stream'],
    ['MAX_DELIVERIES', '0', 'MAX_DELIVERIES must be at least 1', '3', 3],
    ['QUEUE_VISIBILITY_MS', '299', 'QUEUE_VISIBILITY_MS must be at least 300', '1000', 1000],
    ['MAX_COMMAND_DAYS', '36601', 'MAX_COMMAND_DAYS must be at most 36600', '7', 7],
    ['MAX_QUEUE_LENGTH', '0', 'MAX_QUEUE_LENGTH must be at least 1', '1', 1],
    ['CHAT_LOCK_TTL_MS', '10', 'CHAT_LOCK_TTL_MS must be at least 1000', '2000', 2000],
  ],
});
