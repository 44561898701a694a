import { errorInfo } from '@tgfetch/core';
import { CommanderError } from 'commander';
import { ConfigError } from '../settings/config-error.js';
import { UsageError } from './args.js';
import { type CliContext, processContext } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { buildProgram, PROGRAM, type RunResult } from './program.js';
import { helpOf } from './reference.js';

/** The general help, as `tgfetch --help` prints it. */
export function helpText(ctx: CliContext = processContext()): string {
  return helpOf(buildProgram(ctx, { code: 0 }));
}

/** Runs `tgfetch ...argv`; resolves with the exit code (see `cli/exit-codes.ts`). */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const result: RunResult = { code: EXIT.ok };
  const program = buildProgram(ctx, result);
  if (argv.length === 0) {
    ctx.stdout.write(helpOf(program));
    return EXIT.usage;
  }
  try {
    await withConsoleTo(ctx, argv, () => program.parseAsync(argv, { from: 'user' }));
    return result.code;
  } catch (error) {
    return report(error, ctx);
  }
}

/**
 * Completion output goes to the context's stdout: the library writes with console.log, and
 * only for its own two commands, synchronously, so the swap is short and scoped.
 */
async function withConsoleTo<T>(
  ctx: CliContext,
  argv: string[],
  run: () => Promise<T>,
): Promise<T> {
  if (argv[0] !== 'completion' && argv[0] !== 'complete') return run();
  const log = console.log;
  console.log = (...parts: unknown[]) => ctx.stdout.write(`${parts.join(' ')}\n`);
  try {
    return await run();
  } finally {
    console.log = log;
  }
}

function report(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Help and version print through commander and exit 0; its own messages are written
    // already (with "did you mean" and the help hint), and are usage mistakes.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    ctx.stderr.write(`${PROGRAM}: ${error.message}\nRun \`${PROGRAM} --help\` for usage.\n`);
    return exitCodeFor(error);
  }
  if (error instanceof ConfigError) {
    ctx.stderr.write(`${PROGRAM}: ${error.message}\n`);
    return exitCodeFor(error);
  }
  const info = errorInfo(error);
  ctx.stderr.write(`${PROGRAM}: ${info.code}: ${info.message}\n`);
  return exitCodeFor(error);
}
