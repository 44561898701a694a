import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { pgConnection } from '../compose/stores.js';
import { databaseGroup } from '../settings/database.js';
import { settingsFor } from '../settings/environment.js';

/** What `migrate` reads. */
export const migrateSettings = [databaseGroup] as const;

/** `tgfetch migrate`: the PostgreSQL schema to the latest version, then exit. */
export async function migrateCommand(flags: FlagsOf<'migrate'>, ctx: CliContext): Promise<number> {
  const { database } = settingsFor(ctx, migrateSettings, {}, flags['env-file']);
  // Loaded here, not with the command line: every other command (the daemon too) would
  // otherwise load the PostgreSQL driver at start.
  const { migratePg } = await import('@tgfetch/pg-store');
  const result = await migratePg({
    connection: pgConnection(database),
    schema: database.DATABASE_SCHEMA,
  });
  ctx.stdout.write(
    result.applied.length > 0
      ? `schema ${database.DATABASE_SCHEMA}: applied version(s) ${result.applied.join(', ')}; now at version ${result.version}\n`
      : `schema ${database.DATABASE_SCHEMA}: up to date at version ${result.version}\n`,
  );
  return EXIT.ok;
}
