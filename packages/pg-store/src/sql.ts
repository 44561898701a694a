import { PgStoreErrorCode, pgError } from './errors.js';

/** The schema all tables live in unless told otherwise. */
export const DEFAULT_SCHEMA = 'tgfetch';

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The schema name goes into SQL text (identifiers cannot be bound as parameters), so only
 * plain lower-case identifiers are accepted: no quoting rules to get wrong.
 */
export function checkSchema(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA.test(schema)) {
    throw pgError(
      PgStoreErrorCode.PG_INVALID_SCHEMA,
      'The schema name must be 1-63 characters: a lower-case letter or _, then letters, digits or _',
    );
  }
  return schema;
}

/** `"schema"."table"`, for a schema already checked by `checkSchema`. */
export function table(schema: string, name: string): string {
  return `"${schema}"."${name}"`;
}

/**
 * Advisory lock keys are two int4s: a namespace (what is locked, in which schema) and the
 * thing itself, both hashed by the server with `hashtext`. Two schemas on one server, or
 * migration and chat locks, never share a key; a hash collision between two chats only
 * makes them wait for each other.
 */
export const LOCK_NAMESPACE = {
  migrate: 'tgfetch:migrate:',
  chat: 'tgfetch:chat:',
} as const;
