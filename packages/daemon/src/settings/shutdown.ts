import { defineGroup, setting } from './group.js';
import { int } from './schemas.js';

/** How long a command may take to stop when asked to. */
export const shutdownGroup = defineGroup({
  name: 'shutdown',
  title: 'Shutdown',
  summary: 'How long a command may take to stop after SIGTERM or Ctrl-C.',
  variables: {
    SHUTDOWN_GRACE_MS: setting({
      schema: int(0, 3_600_000),
      default: '30000',
      doc: 'the first SIGTERM/SIGINT ends every command within this; the daemon lets running commands finish in it (less a short reserve to close) before they go back to the queue',
    }),
  },
});
