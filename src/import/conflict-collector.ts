import type { CategorySource } from '../catalog/index.js';
import type { ImportConflict } from './import-error.js';
import { OneInFlight } from './one-in-flight.js';
import type { ImportColumn, ImportRow, PlatformTransaction } from './platform-writer.js';

/** Keys looked up in the target at a time. */
const BATCH = 500;
/** Conflicting keys named per category; the count covers them all. */
const NAMED = 20;

/**
 * Finds which primary keys of a category the target tenant already holds,
 * looked up in batches while the category streams by. Only the tenant's own
 * rows are searched: whether another tenant holds a key is never told.
 */
export class ConflictCollector {
  private batch: ImportRow[] = [];
  private readonly named: ImportConflict[] = [];
  private count = 0;
  /** The database looks one batch up while the next is gathered. */
  private readonly lookingUp = new OneInFlight();

  constructor(
    private readonly tx: PlatformTransaction,
    private readonly category: string,
    private readonly source: CategorySource,
    private readonly key: readonly ImportColumn[],
    private readonly tenant: string,
  ) {}

  async add(key: ImportRow): Promise<void> {
    this.batch.push(key);
    if (this.batch.length >= BATCH) await this.flush();
  }

  /** Looks up the last keys; resolves to the first conflicts found and how many there are. */
  async finish(): Promise<{ named: ImportConflict[]; count: number }> {
    await this.flush();
    await this.lookingUp.settle();
    return { named: this.named, count: this.count };
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const keys = this.batch;
    this.batch = [];
    await this.lookingUp.start(() => this.lookUp(keys));
  }

  private async lookUp(keys: readonly ImportRow[]): Promise<void> {
    const found = await this.tx.ownKeys(this.source, this.key, keys, this.tenant);
    this.count += found.length;
    for (const key of found) {
      if (this.named.length < NAMED) {
        this.named.push({ category: this.category, key: key.length === 1 ? key[0] : key });
      }
    }
  }
}
