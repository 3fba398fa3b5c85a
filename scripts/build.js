#!/usr/bin/env node
// Compiles src/ into dist/ and stamps the build. With --if-stale it compiles
// only when a source file, a tsconfig or package.json is newer than the last
// build.
import process from 'node:process';
import { buildIsStale, compile } from './build-stamp.js';

if (process.argv.includes('--if-stale')) {
  if (!buildIsStale()) process.exit(0);
  process.stderr.write('Sources changed since the last build: compiling…\n');
}
await compile();
