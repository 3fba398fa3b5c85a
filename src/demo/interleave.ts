/**
 * The `[slot, index]` pairs of `counts[slot]` rows of each slot, interleaved in
 * proportion, so rows of different tenants alternate in id order as they do on
 * a live platform.
 */
export function* interleaved(counts: readonly number[]): Generator<[slot: number, index: number]> {
  const max = Math.max(0, ...counts);
  const done = counts.map(() => 0);
  for (let tick = 1; tick <= max; tick++) {
    for (let slot = 0; slot < counts.length; slot++) {
      const due = Math.floor((tick * (counts[slot] ?? 0)) / max);
      for (let i = done[slot] ?? 0; i < due; i++) yield [slot, i];
      done[slot] = due;
    }
  }
}
