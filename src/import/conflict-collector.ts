import type { ImportConflict } from './import-error.js';
import type { ImportColumn, ImportRow, PlatformTransaction } from './platform-writer.js';

/** Keys looked up in the target at a time. */
const BATCH = 500;
/** Conflicting keys named per category; the count covers them all. */
const NAMED = 20;

/**
 * Finds which primary keys of a category already exist in the target table,
 * looked up in batches while the category streams by.
 */
export class ConflictCollector {
  private batch: ImportRow[] = [];
  private readonly named: unknown[] = [];
  private count = 0;

  constructor(
    private readonly tx: PlatformTransaction,
    private readonly category: string,
    private readonly table: string,
    private readonly key: readonly ImportColumn[],
  ) {}

  async add(key: ImportRow): Promise<void> {
    this.batch.push(key);
    if (this.batch.length >= BATCH) await this.flush();
  }

  /** Looks up the last keys and returns the conflicts of the category, or null when none. */
  async finish(): Promise<ImportConflict | null> {
    await this.flush();
    if (this.count === 0) return null;
    return { category: this.category, ids: this.named, count: this.count };
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const found = await this.tx.existingKeys(this.table, this.key, this.batch);
    this.batch = [];
    this.count += found.length;
    for (const key of found) {
      if (this.named.length < NAMED) this.named.push(key.length === 1 ? key[0] : key);
    }
  }
}
