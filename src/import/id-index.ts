/**
 * The primary keys of one category in a bundle (single integer keys only; a
 * few numbers per row, so it stays in memory). In `remap` mode each old id gets
 * a new one, allocated above the table's largest id in the order ids arrive
 * (the bundle's primary-key order, so a parent keeps a smaller id than its
 * children); in `preserve` mode an id maps to itself.
 */
export class IdIndex {
  private readonly ids = new Map<number, number>();
  private next: bigint;

  /**
   * @param remap - Give new ids instead of keeping them.
   * @param above - The table's largest id; new ids start right after it.
   */
  constructor(
    readonly remap: boolean,
    above: bigint,
  ) {
    this.next = above + 1n;
  }

  /**
   * Records an id; false when it was already recorded (a duplicate key).
   * @throws RangeError when a new id would exceed 2^53 − 1.
   */
  add(id: number): boolean {
    if (this.ids.has(id)) return false;
    if (!this.remap) {
      this.ids.set(id, id);
      return true;
    }
    if (this.next > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError('no new id is left below 2^53 − 1');
    }
    this.ids.set(id, Number(this.next++));
    return true;
  }

  /** The id to write for `id`, or undefined when the bundle does not hold it. */
  resolve(id: number): number | undefined {
    return this.ids.get(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
