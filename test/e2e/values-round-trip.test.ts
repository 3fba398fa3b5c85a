import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import {
  MAX_JSON_DEPTH,
  parseJson,
  stringifyJson,
  type JsonValue,
} from '../../src/formats/index.js';
import { checkFieldTypes, type IncludedCategory } from '../../src/catalog/index.js';
import { importBundle } from '../../src/import/index.js';
import { parseRecord } from '../../src/import/record-validator.js';
import { classifyFailure } from '../../src/jobs/failure.js';
import { produceArchive } from '../../src/jobs/index.js';
import {
  createEdgePlatform,
  EDGE_TABLES,
  edgeCatalog,
  type EdgeDialect,
  type EdgePlatform,
} from '../support/edge-platform.js';
import { edgeExamples, edgeRows, nestedJson } from '../support/edge-values.js';
import { dropIfPassed, watchFailures } from '../support/postgres.js';
import { readZip } from './import-fixtures.js';

const catalog = edgeCatalog();
const CATEGORIES = ['accounts', ...EDGE_TABLES.map((t) => t.name)];
const DIALECTS: readonly EdgeDialect[] = ['sqlite', 'postgres', 'mysql'];

/** The folders of the archives exported, removed at the end. */
const archiveDirs: string[] = [];
afterAll(async () => {
  await Promise.all(archiveDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Exports one tenant of `platform` in `formats` for `purpose`; the error, if it failed. */
async function exportTenant(
  platform: EdgePlatform,
  tenant: string,
  purpose: string,
  formats: readonly string[],
): Promise<{ file: string; manifest: Manifest }> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-edge-zip-'));
  archiveDirs.push(dir);
  const file = join(dir, `${tenant}.zip`);
  const source = platform.source();
  const output = createWriteStream(file);
  try {
    const result = await produceArchive(
      {
        exportId: `exp_${tenant}`,
        tenant,
        purpose,
        formats,
        categories: CATEGORIES,
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date('2025-01-01T00:00:00.000Z'),
      },
      { catalog, source, settings: { filesDir: join(tmpdir(), 'portage-edge-no-files') } },
      output,
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await finished(output);
    return { file, manifest: result.manifest };
  } finally {
    output.destroy();
    await source.close();
  }
}

/** The text of each category's data files with `extension` in an archive (parts joined by the caller). */
async function dataFiles(file: string, extension: string): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  const pattern = new RegExp(`^([a-z_]+)(?:\\.part-\\d+)?\\.${extension}$`);
  for (const [path, bytes] of await readZip(file)) {
    const match = path.startsWith('data/') ? pattern.exec(path.slice('data/'.length)) : null;
    if (match === null) continue;
    files.set(match[1]!, [...(files.get(match[1]!) ?? []), bytes.toString('utf8')]);
  }
  return files;
}

/** The records of each category in an archive's JSON Lines files (bundle or `jsonl`), as lines. */
async function jsonlRecords(file: string): Promise<Map<string, string[]>> {
  const records = new Map<string, string[]>();
  for (const [name, texts] of await dataFiles(file, 'jsonl')) {
    records.set(
      name,
      texts.flatMap((text) => text.split('\n').filter((l) => l !== '')),
    );
  }
  return records;
}

/** A JSON Lines record of `table` as an import reads it: numbers exact, a float field as its double. */
function recordOf(table: string, line: string): Record<string, JsonValue> {
  const category = catalog.categories.find(
    (c): c is IncludedCategory => c.included && c.name === table,
  )!;
  return parseRecord(`data/${table}.jsonl`, 1, line, category) as Record<string, JsonValue>;
}

/**
 * The records of each category's `json` data file, as the lines of text it
 * lays them out on (one record a line), after checking that the whole file is JSON.
 */
async function jsonFileRecords(file: string): Promise<Map<string, string[]>> {
  const records = new Map<string, string[]>();
  for (const [name, [text]] of await dataFiles(file, 'json')) {
    // The document, its `records` array and each record hold a json field's value.
    parseJson(text!, MAX_JSON_DEPTH + 3);
    const lines = text!.replace(/\n$/, '').split('\n');
    expect(lines[1]).toBe('"records":[');
    expect(lines.at(-1)).toBe(']}');
    records.set(
      name,
      lines.slice(2, -1).map((line) => line.replace(/,$/, '')),
    );
  }
  return records;
}

/** The rows of each category's `csv` data file, an unquoted empty cell as null. */
async function csvRows(file: string): Promise<Map<string, (string | null)[][]>> {
  const rows = new Map<string, (string | null)[][]>();
  for (const [name, [text]] of await dataFiles(file, 'csv')) {
    rows.set(
      name,
      parseCsv(text!, {
        cast: (value, info) => (value === '' && !info.quoting ? null : value),
      }),
    );
  }
  return rows;
}

/** The CSV cell of a record's value: strings as they are, a json field and other values as JSON text. */
function csvCell(value: JsonValue | undefined, json: boolean): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' && !json ? value : stringifyJson(value);
}

for (const dialect of DIALECTS) {
  describe(`values at the edges round-trip exactly, compared by SQL (${dialect})`, () => {
    const passed = watchFailures();
    let source: EdgePlatform;
    let target: EdgePlatform;
    let run = 0;

    beforeAll(async () => {
      [source, target] = await Promise.all([
        createEdgePlatform(dialect),
        createEdgePlatform(dialect),
      ]);
    });

    afterAll(async () => {
      await source?.close();
      await target?.close();
      await dropIfPassed(source?.database ?? undefined, passed());
      await dropIfPassed(target?.database ?? undefined, passed());
    });

    it('export (json, jsonl, csv, bundle) → preserve import into a fresh platform gives every column of every row back', async () => {
      await fc.assert(
        fc.asyncProperty(edgeRows(dialect), async (rows) => {
          run += 1;
          const tenant = `edge_${run}`;
          await source.insert('accounts', [[tenant, `Edge ${run}`]]);
          let id = run * 100;
          for (const table of EDGE_TABLES) {
            await source.insert(
              table.name,
              rows[table.name]!.map((values) => [(id += 1), tenant, ...values]),
            );
          }
          const migration = await exportTenant(source, tenant, 'migration', [
            'json',
            'jsonl',
            'csv',
          ]);
          const bundle = await exportTenant(source, tenant, 'duplication', ['bundle']);
          const writer = target.writer();
          const result = await importBundle({
            file: bundle.file,
            catalog,
            trusted: true,
            target: writer,
            tenant,
          }).finally(() => writer.close());
          expect(result.error).toBeNull();
          for (const table of EDGE_TABLES) {
            expect(await target.dump(table, tenant), table.name).toEqual(
              await source.dump(table, tenant),
            );
          }
          // Every format carries the same values as the bundle the import read.
          const [inJsonl, inBundle, inJson, inCsv] = await Promise.all([
            jsonlRecords(migration.file),
            jsonlRecords(bundle.file),
            jsonFileRecords(migration.file),
            csvRows(migration.file),
          ]);
          for (const table of EDGE_TABLES) {
            const records = inBundle.get(table.name)!.map((line) => recordOf(table.name, line));
            expect(records, table.name).toHaveLength(rows[table.name]!.length);
            expect(inJsonl.get(table.name), table.name).toEqual(inBundle.get(table.name));
            expect(inJson.get(table.name), table.name).toEqual(inJsonl.get(table.name));
            const fields = ['id', 'tenant_id', ...table.columns.map((c) => c.name)];
            const json = new Set(table.columns.filter((c) => c.type === 'json').map((c) => c.name));
            expect(inCsv.get(table.name), table.name).toEqual([
              fields,
              ...records.map((record) => fields.map((f) => csvCell(record[f], json.has(f)))),
            ]);
          }
        }),
        { numRuns: 6, endOnFailure: true, examples: [[edgeExamples(dialect)]] },
      );
    }, 240_000);

    /** A value of `table.field` written with `sql` (a parameter `?`/`$1`), for a tenant of its own. */
    const refusals: { table: string; field: string; value: string; only?: EdgeDialect[] }[] = [
      { table: 'numbers', field: 'n_integer', value: '9007199254740992' },
      { table: 'numbers', field: 'n_integer', value: '-9007199254740992' },
      { table: 'numbers', field: 'n_bigint', value: '9223372036854775808', only: ['sqlite'] },
      { table: 'numbers', field: 'n_bigint', value: '-9223372036854775809', only: ['sqlite'] },
      { table: 'documents', field: 'j_json', value: `'{"a":1,"a":2}'` },
      { table: 'documents', field: 'j_json', value: `'["\\ud800"]'`, only: ['sqlite', 'postgres'] },
      { table: 'documents', field: 'j_json', value: `'{"n":1E400}'` },
      {
        table: 'documents',
        field: 'j_json',
        value: `'${nestedJson(1001)}'`,
        only: ['sqlite', 'postgres'],
      },
      { table: 'numbers', field: 'n_float', value: `'NaN'`, only: ['postgres'] },
      { table: 'numbers', field: 'n_float', value: `'Infinity'`, only: ['postgres'] },
      { table: 'numbers', field: 'n_float', value: `'-Infinity'`, only: ['postgres'] },
      { table: 'numbers', field: 'n_float', value: '9e999', only: ['sqlite'] },
      { table: 'numbers', field: 'n_decimal', value: `'1.00000000001'`, only: ['sqlite'] },
      { table: 'numbers', field: 'n_decimal', value: `'${'9'.repeat(21)}'`, only: ['sqlite'] },
      { table: 'times', field: 't_0', value: `'2020-01-01T00:00:00.5Z'`, only: ['sqlite'] },
      { table: 'times', field: 't_5', value: `'1960-01-01T00:00:00.000001Z'`, only: ['sqlite'] },
      { table: 'times', field: 't_6', value: `'infinity'`, only: ['postgres'] },
      { table: 'days', field: 'd_date', value: `'-infinity'`, only: ['postgres'] },
      { table: 'days', field: 'd_date', value: `'0001-12-31 BC'`, only: ['postgres'] },
      { table: 'days', field: 'd_date', value: `'0000-00-00'`, only: ['mysql'] },
      { table: 'days', field: 'd_date', value: `'2023-02-29'`, only: ['sqlite'] },
      { table: 'binaries', field: 'b_flag', value: '2', only: ['sqlite', 'mysql'] },
      { table: 'binaries', field: 'b_bytes', value: `'text'`, only: ['sqlite'] },
      { table: 'binaries', field: 'u_uuid', value: `'not-a-uuid'`, only: ['sqlite', 'mysql'] },
      { table: 'texts', field: 's_text', value: `CAST(x'61EDA080' AS TEXT)`, only: ['sqlite'] },
      { table: 'texts', field: 's_text', value: `CAST(x'C328' AS TEXT)`, only: ['sqlite'] },
    ];
    if (dialect === 'sqlite') {
      it('carries text bytes that are not UTF-8 exactly in a bytes field', async () => {
        const tenant = 'not_utf8';
        await source.insert('accounts', [[tenant, 'Not UTF-8']]);
        await source.exec(
          `INSERT INTO binaries (id, tenant_id, b_bytes) VALUES (95000, '${tenant}', CAST(x'C328ED' AS TEXT))`,
        );
        const bundle = await exportTenant(source, tenant, 'duplication', ['bundle']);
        const [record] = (await jsonlRecords(bundle.file)).get('binaries') ?? [];
        expect(JSON.parse(record!)).toMatchObject({
          b_bytes: Buffer.from([0xc3, 0x28, 0xed]).toString('base64'),
        });
      });
    }

    /**
     * The field-type problems `check` finds on the timestamp columns of a
     * platform (its `integer` fields are in 64-bit columns on purpose, to hold
     * the values the suite refuses, and `check` names those too).
     */
    async function timestampProblems(platform: EdgePlatform): Promise<string[]> {
      const reading = platform.source();
      try {
        const schema = await reading.describeSchema();
        const columns = schema.tables.flatMap((t) =>
          t.columns.map((c) => ({ table: t.name, column: c.name, type: c.type })),
        );
        return checkFieldTypes(catalog, columns, schema.dialect)
          .filter((p) => p.table === 'times' && p.field !== 'id')
          .map((p) => `${p.table}.${p.field}: ${p.problem}`);
      } finally {
        await reading.close();
      }
    }

    if (dialect !== 'sqlite') {
      it('passes check on timestamp columns holding the declared digits (0-6), and fails it on one that holds more', async () => {
        expect(await timestampProblems(target)).toEqual([]);
        await target.exec(
          dialect === 'postgres'
            ? 'ALTER TABLE times ALTER COLUMN t_3 TYPE timestamptz'
            : 'ALTER TABLE times MODIFY t_3 DATETIME(6)',
        );
        expect(await timestampProblems(target)).toEqual([
          expect.stringMatching(/^times\.t_3: .*6 fractional-second digits.*precision 3/),
        ]);
      });
    }

    for (const [i, refusal] of refusals.entries()) {
      if (refusal.only !== undefined && !refusal.only.includes(dialect)) continue;
      it(`refuses ${refusal.value} in a ${refusal.table}.${refusal.field} field, naming category, field and row key`, async () => {
        const tenant = `refused_${i}`;
        await source.insert('accounts', [[tenant, 'Refused']]);
        await source.exec(
          `INSERT INTO ${refusal.table} (id, tenant_id, ${refusal.field}) VALUES (${90_000 + i}, '${tenant}', ${refusal.value})`,
        );
        for (const [purpose, formats] of [
          ['migration', ['json', 'jsonl', 'csv']],
          ['duplication', ['bundle']],
        ] as const) {
          const failure = await exportTenant(source, tenant, purpose, formats).then(
            () => null,
            (error: unknown) => classifyFailure(error),
          );
          expect(failure).toMatchObject({
            code: 'value_out_of_range',
            message: expect.stringContaining(
              `Category "${refusal.table}", field "${refusal.field}", row id=${90_000 + i}`,
            ) as unknown,
          });
        }
      });
    }
  });
}
