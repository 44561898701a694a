import { defineGroup, setting } from './group.js';
import { passwordOf } from './redact.js';
import { int, matching } from './schemas.js';

/** The PostgreSQL database of the postgres store, `persist` and `migrate`. */
export const databaseGroup = defineGroup({
  name: 'database',
  title: 'PostgreSQL',
  summary: 'The PostgreSQL database of `STORE=postgres`, `persist` and `migrate`.',
  variables: {
    DATABASE_URL: setting({
      schema: matching(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
      secret: (url) => [passwordOf(url)],
      shown: '— (the `PG*` variables, as with psql)',
      doc: '`postgres://user:password@host:5432/db`',
    }),
    DATABASE_SCHEMA: setting({
      schema: matching(
        /^[a-z_][a-z0-9_]{0,62}$/,
        'must be a lower-case identifier (letters, digits, _; at most 63)',
      ),
      default: 'tgfetch',
      doc: 'schema of the tables (a lower-case identifier); migrated at start',
    }),
    DATABASE_POOL_SIZE: setting({
      schema: int(1, 1000),
      default: '10',
      doc: 'pooled connections per process (each held chat lock has one more)',
    }),
  },
});
