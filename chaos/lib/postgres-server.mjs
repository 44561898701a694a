// A throwaway PostgreSQL cluster owned by the suite (initdb + pg_ctl from the installed
// server binaries) on a free port in the scenario's folder: restarted at will, never the
// machine's own cluster, which other test runs use.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './util.mjs';

const run = promisify(execFile);

/** The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = path.join(base, major, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

export async function startPostgres({ dir }) {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (apt-get install postgresql)');
  const port = await freePort();
  const home = path.join(dir, 'postgres');
  const data = path.join(home, 'data');
  const logFile = path.join(home, 'server.log');
  mkdirSync(home, { recursive: true });
  // initdb and the server refuse to run as root: run them as the postgres user then.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    chownSync(dir, uid, uid);
    chownSync(home, uid, uid);
  }
  const pg = (tool, args, timeout = 60_000) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout })
      : run(path.join(bin, tool), args, { timeout });
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const start = () => pg('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', 'start']);
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    logFile,
    /** `fast`: clients disconnected, clean shutdown; `immediate`: like a crash (WAL replay). */
    async restart(mode = 'fast') {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      await start();
    },
    async stop() {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    },
  };
}
