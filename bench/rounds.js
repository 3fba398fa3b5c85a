// The runs of a bench section: round-robin over its measures, each run only
// when the machine is quiet enough for its time to mean something.
import { loadavg } from 'node:os';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The 1-minute load average above which a run is not recorded. (Default: 0.5;
 * `PORTAGE_BENCH_MAX_LOAD` overrides, e.g. to force a run on a busy machine,
 * whose figures then carry the load they were measured at.)
 */
export const MAX_LOAD = Number(process.env.PORTAGE_BENCH_MAX_LOAD ?? '0.5');

/**
 * Seconds a run waits for the load to settle below {@link MAX_LOAD} before it
 * is given up. The bench's own work raises the 1-minute average (loading the
 * data, the run before), which falls by a factor e each minute; waiting a
 * little tells the bench's own trace from another process's work. (Default:
 * 180; `PORTAGE_BENCH_SETTLE_S` overrides.)
 */
const SETTLE_S = Number(process.env.PORTAGE_BENCH_SETTLE_S ?? '180');

/**
 * Runs every measure `runs` times, round-robin so that a noisy minute spreads
 * over all of them. Before each run the 1-minute load average is read, for up
 * to {@link SETTLE_S} seconds until it is at most {@link MAX_LOAD}; still
 * above, the run is skipped and `not recorded: load X` logged, so that a busy
 * machine gives fewer results rather than wrong ones.
 *
 * @param {readonly import('./measures.js').Measure[]} measures
 * @param {number} runs
 * @param {string} dir - Where the runs write.
 * @param {(line: string) => void} log
 * @returns {Promise<Map<import('./measures.js').Measure, (import('./measures.js').Run & { load1: number })[]>>}
 */
export async function runRounds(measures, runs, dir, log) {
  /** @type {Map<import('./measures.js').Measure, (import('./measures.js').Run & { load1: number })[]>} */
  const timings = new Map(measures.map((m) => [m, []]));
  for (let round = 1; round <= runs; round++) {
    for (const measure of measures) {
      const name = `run ${round}/${runs} ${measure.tenant} ${measure.label}`;
      const load1 = await settledLoad();
      if (!(load1 <= MAX_LOAD)) {
        log(`${name}: not recorded: load ${load1}`);
        continue;
      }
      const run = await measure.run(dir);
      timings.get(measure)?.push({ ...run, load1 });
      log(
        `${name}: ${(run.ms / 1000).toFixed(2)} s, CPU ${(run.cpuMs / 1000).toFixed(2)} s, load ${load1}`,
      );
    }
  }
  return timings;
}

/**
 * The 1-minute load average once it is at most {@link MAX_LOAD}, or after
 * {@link SETTLE_S} seconds of waiting for it, whichever comes first.
 *
 * @returns {Promise<number>}
 */
export async function settledLoad() {
  const deadline = Date.now() + SETTLE_S * 1000;
  for (;;) {
    const load1 = round2(loadavg()[0] ?? 0);
    if (load1 <= MAX_LOAD || Date.now() >= deadline) return load1;
    await sleep(5000);
  }
}

/**
 * @param {number} value
 * @returns {number}
 */
function round2(value) {
  return Math.round(value * 100) / 100;
}
