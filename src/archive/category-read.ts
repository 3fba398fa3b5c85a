import type { IncludedCategory } from '../catalog/index.js';
import { compileConverter, type JsonValue, type Row } from '../formats/index.js';
import type { KeyRange, SourceSnapshot } from '../sources/index.js';
import { readFailure, rowFailure } from './row-failure.js';

/** One category's read: its whole rows, or one key range of them. */
export interface CategoryReadJob {
  readonly snapshot: SourceSnapshot;
  readonly category: IncludedCategory;
  readonly tenant: string;
  readonly range?: KeyRange;
  readonly signal: AbortSignal;
}

/** A batch of rows as read, and as the value model converts them. */
export interface ConvertedBatch {
  readonly raw: readonly (readonly unknown[])[];
  readonly rows: readonly Row[];
}

/**
 * Reads a category in primary-key order, a batch at a time, each row's
 * values converted by its field's converter. A failed read names the last
 * row read before it, a refused value its row and field (for `format`'s
 * export); an abort is seen between batches. Ending the iteration early ends
 * the read.
 */
export async function* convertedBatches(
  job: CategoryReadJob,
  format: string,
): AsyncGenerator<ConvertedBatch> {
  const { category } = job;
  const converters = category.fields.map((f) => compileConverter(f, `${category.name}.${f.name}`));
  const width = converters.length;
  const read = {
    source: category.source,
    columns: category.fields.map((f) => f.name),
    orderBy: category.primaryKey,
    tenant: job.tenant,
    ...(job.range !== undefined && { range: job.range }),
  };
  const batches = job.snapshot.batches(read)[Symbol.asyncIterator]();
  let last: readonly unknown[] | null = null;
  try {
    for (;;) {
      let next: IteratorResult<readonly (readonly unknown[])[]>;
      try {
        next = await batches.next();
      } catch (error) {
        throw readFailure(category, last, error);
      }
      if (next.done) return;
      job.signal.throwIfAborted();
      const raw = next.value;
      const rows = new Array<Row>(raw.length);
      let r = 0;
      try {
        for (; r < raw.length; r++) {
          const values = new Array<JsonValue>(width);
          const row = raw[r]!;
          for (let i = 0; i < width; i++) values[i] = converters[i]!(row[i] ?? null);
          rows[r] = values;
        }
      } catch (error) {
        throw rowFailure(category, format, raw[r]!, null, error);
      }
      if (raw.length > 0) last = raw[raw.length - 1]!;
      yield { raw, rows };
    }
  } finally {
    await batches.return?.();
  }
}
