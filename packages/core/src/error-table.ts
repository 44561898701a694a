/**
 * The shape every package's table of error codes has. A package exports its codes as a
 * constant whose keys are the codes, and next to it the table of those codes, built with
 * `errorCodeTable` from one row per code (a code without a row, or a row without a code,
 * does not compile). The table decides `retryable`: the package's error builder
 * (`errorBuilder(table)`) reads it, so no call site says it again.
 */

/** One stable error code: what it means and whether a later run may succeed. */
export interface ErrorCodeInfo<Code extends string = string> {
  readonly code: Code;
  /** What raises it, in a word (`command`, `store`, `redis`…): the tables' "from" column. */
  readonly origin: string;
  /** May a later run of the same command succeed? Every error with this code says so. */
  readonly retryable: boolean;
  /** For people; the code has this one meaning wherever it appears. */
  readonly meaning: string;
}

/** One package's codes, in the order its documentation lists them. */
export type ErrorCodeTable<Code extends string = string> = readonly ErrorCodeInfo<Code>[];

/** A row of `errorCodeTable`: `origin` only where it is not the table's. */
export interface ErrorCodeRow {
  readonly retryable: boolean;
  readonly meaning: string;
  readonly origin?: string;
}

/**
 * The table of `Code`, one row per code, in the rows' order:
 * `errorCodeTable<RedisErrorCode>('redis', { REDIS_AUTH: { retryable: false, meaning: '…' }, … })`.
 */
export function errorCodeTable<Code extends string>(
  origin: string,
  rows: { readonly [C in Code]: ErrorCodeRow },
): ErrorCodeTable<Code> {
  return (Object.entries(rows) as [Code, ErrorCodeRow][]).map(([code, row]) => ({
    code,
    origin: row.origin ?? origin,
    retryable: row.retryable,
    meaning: row.meaning,
  }));
}

/** Whether errors with `code` are retryable, as `table` says (false for a code it lacks). */
export function retryableIn<Code extends string>(table: ErrorCodeTable<Code>, code: Code): boolean {
  return table.find((row) => row.code === code)?.retryable ?? false;
}
