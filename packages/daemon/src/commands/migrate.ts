import { migratePg } from '@tgfetch/pg-store';
import { parseFlags } from '../args.js';
import { type CliContext, configFor } from '../context.js';
import { pgConnection } from '../stores.js';

export const MIGRATE_HELP = `tgfetch migrate [--env-file FILE]

Brings the PostgreSQL schema (DATABASE_SCHEMA, default tgfetch) of DATABASE_URL (or the PG*
variables) to the latest version. Daemons and persist workers also do it when they start;
this is for deployments that migrate before rolling out.
`;

export async function migrateCommand(argv: string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(argv, { 'env-file': { type: 'string' } });
  const config = configFor(ctx, {}, {}, flags['env-file']);
  const result = await migratePg({
    connection: pgConnection(config),
    schema: config.DATABASE_SCHEMA,
  });
  ctx.stdout.write(
    result.applied.length > 0
      ? `schema ${config.DATABASE_SCHEMA}: applied version(s) ${result.applied.join(', ')}; now at version ${result.version}\n`
      : `schema ${config.DATABASE_SCHEMA}: up to date at version ${result.version}\n`,
  );
  return 0;
}
