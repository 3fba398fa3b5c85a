import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full
 * collection, in percent. V8's own factor goes up to 4× (300 %) while it
 * collects fast, so a process streaming gigabytes keeps up to three times its
 * live heap in garbage: Portage's exports peaked at 173–372 MiB of RSS with a
 * live heap under 64 MiB. At 100 % they peak at 149–174 MiB, for more CPU in
 * full collections (docs/performance.md, "Memory").
 */
export const HEAP_GROWING_PERCENT = 100;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * The V8 flag Portage sets at start, or `null` where the operator already
 * chose one on Node's command line (`node --heap-growing-percent=300
 * bin/portage.js …`; Node refuses it in `NODE_OPTIONS`).
 */
export function heapGrowthFlag(execArgv: readonly string[]): string | null {
  if (execArgv.some((arg) => FLAG.test(arg))) return null;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Bounds the heap's growth for this process and its worker threads (V8 reads
 * the flag at each full collection, so setting it at start is enough).
 */
export function boundHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag !== null) setFlagsFromString(flag);
}
