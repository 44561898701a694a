import { defineGroup, setting } from './group.js';
import { bool, int } from './schemas.js';

/** How the engine runs each command: what it does when the command does not say, its retries. */
export const runGroup = defineGroup({
  name: 'run',
  title: 'Running commands',
  summary:
    'How the engine runs each command: what it stores when the command does not say, and how it waits and retries when Telegram is busy or the network fails.',
  variables: {
    FETCH_COMMENTS: setting({
      schema: bool(),
      default: 'false',
      doc: "commands that do not say (`options.comments`, `--comments`) also store the comments of a channel's posts from its linked discussion group",
    }),
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
