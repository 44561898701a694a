#!/usr/bin/env -S node --
// `node --`: Node 20 would otherwise take a later `--env-file` for itself and exit 9.
// A thin shim: the real command line lives in the built package.
import { main } from '../dist/index.js';

const finish = (code) => {
  process.exitCode = code;
  // main() leaves nothing behind when its work is done (login-exit.e2e.test.ts runs it without
  // this bin): the timer does not hold the process, and only fires if something else does.
  // It stays as the safety net of a shutdown that gave up waiting: after a signal (or a fatal
  // error) the daemon stops waiting for a close past its deadline, and a socket to a frozen
  // Redis that would not close must not keep the process beyond the grace period.
  setTimeout(() => process.exit(code), 100).unref();
};

main(process.argv.slice(2)).then(finish, (error) => {
  console.error(error);
  finish(1);
});
