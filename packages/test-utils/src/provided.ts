/** What the global setups (`redis-setup.ts`, `pg-setup.ts`) hand every test file through `inject`. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's shared redis-server (or `REDIS_URL`). */
    redisUrl: string;
    /** URL of the run's own PostgreSQL database. */
    databaseUrl: string;
  }
}

export {};
