import type { ClientBase } from 'pg';
import { PgStoreErrorCode, pgError, toPgError } from './errors.js';
import { checkSchema, LOCK_NAMESPACE, table } from './sql.js';

export interface Migration {
  version: number;
  name: string;
  /** SQL run once, in the migration's transaction; `{s}` is the quoted schema. */
  sql: string;
}

/**
 * The schema, version by version. A version is never edited once released: a change is a
 * new version. Tables are meant to be queried by people too, so columns are typed and the
 * whole message stays beside them as `jsonb`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'messages, days, day_messages, progress',
    sql: `
CREATE TABLE {s}.messages (
  chat       text        NOT NULL,
  peer       text        NOT NULL,
  id         bigint      NOT NULL,
  date       timestamptz NOT NULL,
  edit_date  timestamptz,
  sender     text,
  text       text        NOT NULL,
  message    jsonb       NOT NULL,
  stored_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat, peer, id)
);
CREATE INDEX messages_chat_date ON {s}.messages (chat, date);
COMMENT ON TABLE {s}.messages IS 'One row per message: key (chat, peer, id); peer is the chat unless the message came from another peer (a basic group before its migration). message holds the whole message JSON.';

CREATE TABLE {s}.days (
  chat       text        NOT NULL,
  time_zone  text        NOT NULL,
  date       date        NOT NULL,
  fetched_at timestamptz NOT NULL,
  complete   boolean     NOT NULL,
  count      integer     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat, time_zone, date)
);
COMMENT ON TABLE {s}.days IS 'One row per stored day: a day is (chat, time zone, date). complete: fetched whole after it had ended.';

CREATE TABLE {s}.day_messages (
  chat      text    NOT NULL,
  time_zone text    NOT NULL,
  date      date    NOT NULL,
  peer      text    NOT NULL,
  id        bigint  NOT NULL,
  PRIMARY KEY (chat, time_zone, date, peer, id)
);
COMMENT ON TABLE {s}.day_messages IS 'Which messages make up which day. Written with its day and its messages in one transaction (no foreign keys: their per-row checks cost more than the write itself).';

CREATE TABLE {s}.progress (
  chat       text        NOT NULL,
  time_zone  text        NOT NULL,
  date       date        NOT NULL,
  count      integer     NOT NULL,
  location   text        NOT NULL,
  fetched_at timestamptz NOT NULL,
  PRIMARY KEY (chat, time_zone, date)
);
COMMENT ON TABLE {s}.progress IS 'Complete days: a day here is skipped by later fetches unless forced.';
`,
  },
  {
    version: 2,
    name: 'chat_zones: one time zone per chat',
    sql: `
CREATE TABLE {s}.chat_zones (
  chat       text        PRIMARY KEY,
  time_zone  text        NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE {s}.chat_zones IS 'The time zone each chat is stored in: its days are cut in this zone only (another is refused with ZONE_CONFLICT).';
INSERT INTO {s}.chat_zones (chat, time_zone)
  SELECT DISTINCT ON (chat) chat, time_zone FROM {s}.days ORDER BY chat, updated_at
  ON CONFLICT DO NOTHING;
`,
  },
  {
    version: 3,
    name: 'comments: the days record of their comments, messages found by the post they comment',
    sql: `
ALTER TABLE {s}.days ADD COLUMN comments jsonb;
COMMENT ON COLUMN {s}.days.comments IS 'The comments of the day''s posts (a broadcast channel with a discussion group): {status, chat, read_at, count, reason}, as the day file''s "comments"; null: never asked.';
CREATE INDEX messages_comment_of ON {s}.messages
  ((message->'comment_of'->>'chat'), (message->'comment_of'->>'id'), id)
  WHERE message ? 'comment_of';
COMMENT ON INDEX {s}.messages_comment_of IS 'The comments of a post: messages of a discussion group whose comment_of names it (channel, post id as text).';
`,
  },
  {
    version: 4,
    name: 'messages_text_search: full-text index of the message text',
    sql: `
CREATE INDEX messages_text_search ON {s}.messages USING GIN (to_tsvector('simple', text));
COMMENT ON INDEX {s}.messages_text_search IS 'Full-text search of the text (simple configuration: every language, no stemming): WHERE to_tsvector(''simple'', text) @@ websearch_to_tsquery(''simple'', ...).';
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was up to date). */
  applied: number[];
  /** The schema's version afterwards. */
  version: number;
}

/**
 * Brings `schema` up to the latest version in one transaction. Safe when several workers
 * start at once: each takes the schema's migration advisory lock (transaction-scoped, so a
 * worker dying mid-migration frees it and rolls back), and the ones that come later find
 * nothing left to do. A schema newer than this code is refused.
 */
export async function migrate(
  client: ClientBase,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  checkSchema(schema);
  const versions = table(schema, 'schema_migrations');
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
      LOCK_NAMESPACE.migrate,
      schema,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${versions} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${versions}`);
    const have = new Set(done.rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...have].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw pgError(
        PgStoreErrorCode.PG_SCHEMA_TOO_NEW,
        `Schema "${schema}" has version ${Math.max(...unknown)}, newer than this tgfetch knows (${migrations.at(-1)?.version ?? 0}): upgrade tgfetch`,
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (have.has(m.version)) continue;
      await client.query(m.sql.replaceAll('{s}', `"${schema}"`));
      await client.query(`INSERT INTO ${versions} (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(0, ...have, ...applied) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw toPgError(error, `migrating schema "${schema}"`);
  }
}
