// `node bench/profile-top.js FILE.cpuprofile [N]`: the N (default 15) frames
// with the most self time in a profile written by `node --cpu-prof`, as a
// share of all samples. See docs/performance.md.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import process from 'node:process';

const [file, count = '15'] = process.argv.slice(2);
if (!file) throw new RangeError('usage: node bench/profile-top.js FILE.cpuprofile [N]');

/** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[], samples: number[] }} */
const profile = JSON.parse(await readFile(file, 'utf8'));
/** @type {Map<number, string>} */
const names = new Map(
  profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => [
    id,
    url === ''
      ? `${functionName || '(anonymous)'}`
      : `${functionName || '(anonymous)'} ${basename(url)}:${lineNumber + 1}`,
  ]),
);
/** @type {Map<string, number>} */
const self = new Map();
for (const id of profile.samples) {
  const name = names.get(id) ?? '?';
  self.set(name, (self.get(name) ?? 0) + 1);
}
const total = profile.samples.length;
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
for (const [name, samples] of top) {
  process.stdout.write(`${((100 * samples) / total).toFixed(1).padStart(5)} %  ${name}\n`);
}
