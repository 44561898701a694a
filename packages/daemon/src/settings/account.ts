import { defineGroup, setting } from './group.js';
import { int, matching, text } from './schemas.js';

const FROM = 'to use Telegram (from https://my.telegram.org)';

/** The Telegram application and phone an account signs in with. */
export const accountGroup = defineGroup({
  name: 'account',
  title: 'Telegram account',
  summary:
    'The application (from my.telegram.org) and the phone an account signs in with: `login` and the telegram source.',
  variables: {
    TELEGRAM_API_ID: setting({
      schema: int(1, 2 ** 31 - 1),
      required: FROM,
      doc: 'from my.telegram.org',
    }),
    TELEGRAM_API_HASH: setting({
      schema: matching(/^[0-9a-f]{32}$/i, 'must be 32 hex characters'),
      required: FROM,
      secret: true,
      doc: 'from my.telegram.org',
    }),
    TELEGRAM_PHONE: setting({
      schema: text(),
      secret: true,
      doc: 'phone for `tgfetch login` (else asked)',
    }),
  },
});
