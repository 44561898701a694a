import { defineGroup, setting } from './group.js';
import { int } from './schemas.js';

/** How the engine retries what Telegram refuses for a while. */
export const runGroup = defineGroup({
  name: 'run',
  title: 'Retries',
  summary: 'How the engine waits and retries when Telegram is busy or the network fails.',
  variables: {
    MAX_FLOOD_WAIT_SEC: setting({
      schema: int(0, 86_400),
      default: '300',
      doc: 'longer flood waits fail the command (retryable) instead of sleeping',
    }),
    RETRY_MAX_ATTEMPTS: setting({
      schema: int(1, 100),
      default: '5',
      doc: 'tries on timeouts and disconnects, with exponential backoff and jitter',
    }),
  },
});
