#!/usr/bin/env node
// What `npm start` runs: `portage serve`, in this same process, after
// compiling src/ only if it changed since the last build. (Checking in a
// `prestart` script cost a second Node process at every start.)
import process from 'node:process';
import { buildIsStale, compile } from './build-stamp.js';

if (buildIsStale()) {
  process.stderr.write('Sources changed since the last build: compiling…\n');
  await compile();
}
process.argv.splice(2, 0, 'serve');
await import('../bin/portage.js');
