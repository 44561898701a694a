import { createHash } from 'node:crypto';
/** What running a script needs of a client (any of its type mappings). */
export interface ScriptClient {
  evalSha(
    sha: string,
    options: { keys: string[]; arguments: Array<string | Buffer> },
  ): Promise<unknown>;
  eval(
    script: string,
    options: { keys: string[]; arguments: Array<string | Buffer> },
  ): Promise<unknown>;
}

/** A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a server lacks it. */
export interface Script {
  run(client: ScriptClient, keys: string[], args: Array<string | Buffer>): Promise<unknown>;
}

export function defineScript(source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalSha(sha, { keys, arguments: args });
      } catch (error) {
        // A restarted server (or SCRIPT FLUSH) forgets scripts; EVAL also loads it again.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, { keys, arguments: args });
      }
    },
  };
}
