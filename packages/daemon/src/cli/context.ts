/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
}

export function processContext(): CliContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}
