// Rewrites packages/daemon/README.md's command reference from the built command line (`pnpm docs:cli`).
// The section sits between the cli-reference markers; a test fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { commandReference } from '../packages/daemon/dist/index.js';

const file = new URL('../packages/daemon/README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const reference = commandReference();
const start = reference.slice(0, reference.indexOf('\n'));
const end = reference.slice(reference.lastIndexOf('\n') + 1);
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from)
  throw new Error('packages/daemon/README.md has no cli-reference markers');
writeFileSync(file, readme.slice(0, from) + reference + readme.slice(to + end.length));
