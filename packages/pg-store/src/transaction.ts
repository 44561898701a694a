import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` in one transaction on a pooled client: committed whole or rolled back. A client
 * whose connection broke is destroyed rather than returned to the pool. `begin` may ask for
 * a read-only snapshot (`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`).
 */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors only on idle clients: a connection that breaks while checked
  // out (PostgreSQL restarting) emits 'error' here, which would crash the process unheard.
  // Its query rejects as well, so noting the error is enough.
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    // Passing an error to release() closes the connection: never reuse one in doubt.
    client.release(broken);
  }
}
