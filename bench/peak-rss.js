// Preloaded into a measured process (`node --import ./bench/peak-rss.js …`): when
// the process exits, it writes its peak resident set size, in bytes, to the file
// named by PORTAGE_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.PORTAGE_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kibibytes (getrusage's ru_maxrss on Linux).
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
