#!/usr/bin/env -S node --
// `node --`: Node 20 would otherwise take a later `--env-file` for itself and exit 9.
// A thin shim: the real command line lives in the built package.
import { main } from '../dist/index.js';

const finish = (code) => {
  process.exitCode = code;
  // Once a command returned, nothing may keep the process alive (a socket to a frozen Redis
  // that would not close): the timer does not hold it, and only fires if something else does.
  setTimeout(() => process.exit(code), 100).unref();
};

main(process.argv.slice(2)).then(finish, (error) => {
  console.error(error);
  finish(1);
});
