import { migratePg } from '@tgfetch/pg-store';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { pgConnection } from '../compose/stores.js';
import { type CliContext, configFor } from '../context.js';

/** `tgfetch migrate`: the PostgreSQL schema to the latest version, then exit. */
export async function migrateCommand(flags: FlagsOf<'migrate'>, ctx: CliContext): Promise<number> {
  const config = configFor(ctx, { database: true }, {}, flags['env-file']);
  const result = await migratePg({
    connection: pgConnection(config),
    schema: config.DATABASE_SCHEMA,
  });
  ctx.stdout.write(
    result.applied.length > 0
      ? `schema ${config.DATABASE_SCHEMA}: applied version(s) ${result.applied.join(', ')}; now at version ${result.version}\n`
      : `schema ${config.DATABASE_SCHEMA}: up to date at version ${result.version}\n`,
  );
  return EXIT.ok;
}
