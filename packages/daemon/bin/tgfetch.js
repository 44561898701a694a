#!/usr/bin/env node
// A thin shim: the real command line lives in the built package.
import { main } from '../dist/index.js';

// Exit as soon as the command is done: a library timer (gramjs keeps several) must not hold
// the process after its last work. Output is written synchronously to files and pipes.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
