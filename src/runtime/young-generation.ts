import { setFlagsFromString } from 'node:v8';

/**
 * Gives the worker threads started from now on V8's own young-generation
 * sizing, whatever the process was started with.
 *
 * V8 sizes a heap's young generation when the heap is made, from its flags
 * as they stand then: the main thread's from the command line (or
 * `NODE_OPTIONS`), a worker thread's from the flags when the thread starts
 * (its `resourceLimits` do not override a flag). `portage serve` may be
 * started with `NODE_OPTIONS=--max-semi-space-size=4`, bounding the young
 * generation of the thread that answers requests and runs imports (16 MiB
 * semi-spaces by default, most of them never needed there); its exports'
 * thread allocates far faster, and capping it cost exports an eighth to a
 * quarter of their time (docs/performance.md, "Memory"). Setting the flag
 * now changes no heap already made.
 */
export function defaultYoungGenerationForNewThreads(): void {
  // 0 is V8's own default: no bound beyond its heuristics.
  setFlagsFromString('--max-semi-space-size=0');
}
