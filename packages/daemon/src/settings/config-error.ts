/** A configuration problem: every issue listed, exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}
