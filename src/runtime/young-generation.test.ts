import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The built module (`npm test` builds first), as a spawned process imports it. */
const MODULE = fileURLToPath(new URL('../../dist/runtime/young-generation.js', import.meta.url));

/**
 * A Node process started with `--max-semi-space-size=4` (8 MiB of young
 * generation): its main thread and a worker thread each allocate until their
 * young generation has grown as far as it may; the process prints both sizes
 * in MiB. With `restore`, the worker is started after
 * {@link defaultYoungGenerationForNewThreads}.
 */
function youngGenerations(restore: boolean): { main: number; worker: number } {
  const script = `
    import { Worker } from 'node:worker_threads';
    import v8 from 'node:v8';
    const churn = ${churn.toString()};
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
    churn();
    const main = young();
    if (${restore}) (await import(${JSON.stringify(pathToFileURL(MODULE).href)})).defaultYoungGenerationForNewThreads();
    const worker = new Worker('(' + churn.toString() + ')(); require("node:worker_threads").parentPort.postMessage(require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 2 ** 20)', { eval: true, execArgv: [] });
    worker.once('message', (size) => { console.log(JSON.stringify({ main, worker: size })); worker.terminate(); });
  `;
  const run = spawnSync(
    process.execPath,
    ['--max-semi-space-size=4', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { main: number; worker: number };
}

/** Allocates objects that survive a few collections, as an export's batches do: the young generation grows to its bound. */
function churn(): void {
  let kept: object[] = [];
  for (let i = 0; i < 1_500_000; i++) {
    kept.push({ i, text: `row ${i}` });
    if (kept.length > 200_000) kept = [];
  }
}

describe('the young generation of the threads Portage starts', () => {
  it("is bounded by the start flag in a thread started before, and V8's own in one started after", () => {
    const bounded = youngGenerations(false);
    expect(bounded).toEqual({ main: 8, worker: 8 });
    const restored = youngGenerations(true);
    expect(restored.main).toBe(8);
    expect(restored.worker).toBeGreaterThan(8);
  });
});
