import { defineGroup, setting } from './group.js';
import { int, text } from './schemas.js';

/** Where `tgfetch console` listens, and the token that guards it. */
export const consoleGroup = defineGroup({
  name: 'console',
  title: 'Console',
  summary: 'Where `tgfetch console` listens, and the token it asks for.',
  variables: {
    CONSOLE_HOST: setting({
      schema: text(),
      default: '127.0.0.1',
      doc: 'where `tgfetch console` listens (beyond loopback only with `CONSOLE_TOKEN`)',
    }),
    CONSOLE_PORT: setting({
      schema: int(0, 65535),
      default: '8790',
      doc: 'its port (`0`: a free one)',
    }),
    CONSOLE_TOKEN: setting({
      schema: text(),
      secret: true,
      doc: 'asked for anything that changes state, and for everything beyond loopback; at least 16 characters',
    }),
  },
});
