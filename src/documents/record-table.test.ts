import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/index.js';
import { renderRecordTable } from './record-table.js';

const fields = [{ name: 'title', type: 'string', nullable: false }] as unknown as CatalogField[];
const table = (dataFiles: string[], rows = [['first'], ['second']], maxCellChars = 100) =>
  renderRecordTable({ fields, rows, total: 10, dataFiles, maxCellChars });

describe('a record table shorter than its category', () => {
  it('links the one file holding every record', () => {
    expect(table(['data/tasks.csv'])).toContain(
      'The first 2 of 10 records; all of them are in <a href="data/tasks.csv"><code>data/tasks.csv</code></a>.',
    );
  });

  it('links every part when the records are split over several', () => {
    const parts = [1, 2, 3].map((n) => `data/tasks.part-0000${n}.csv`);
    const link = (path: string) => `<a href="${path}"><code>${path}</code></a>`;
    expect(table(parts)).toContain(
      `all of them are in ${link(parts[0]!)}, ${link(parts[1]!)} and ${link(parts[2]!)}.`,
    );
    // A value cut short is among the first records, which the first part holds.
    expect(table(parts, [['x'.repeat(50)]], 10)).toContain(
      `the complete value is in ${link(parts[0]!)}.`,
    );
  });

  it('names no file when none was written', () => {
    expect(table([])).toContain('The first 2 of 10 records.</caption>');
  });
});
