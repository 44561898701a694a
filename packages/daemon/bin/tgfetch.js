#!/usr/bin/env -S node --
// `node --`: Node 20 would otherwise take a later `--env-file` for itself and exit 9.
// A thin shim: the real command line lives in the built package.
import { main } from '../dist/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
