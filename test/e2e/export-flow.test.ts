import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncludedCategory } from '../../src/catalog/index.js';
import type { Manifest } from '../../src/archive/manifest.js';
import { tenantScope } from '../../src/sources/index.js';
import {
  extractArchive,
  sha256sumCheck,
  shell,
  type ExtractedArchive,
} from '../support/archive.js';
import { portageClient, validatorOf } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { demoDatabase, startServer, type TestServer } from '../support/portage-server.js';

/** count(*) of a category for a tenant, asked of the platform database directly. */
function platformCount(db: Database.Database, category: IncludedCategory, tenant: string): number {
  return db
    .prepare(`SELECT count(*) FROM ${tenantScope(category.source)}`)
    .pluck()
    .get({ tenant }) as number;
}

/** How a scalar JSON value must look in its CSV cell. */
function csvText(value: string | number | boolean | null): string | null {
  return value === null ? null : String(value);
}

describe('an export, end to end over HTTP', () => {
  let server: TestServer;
  let exportObject: Record<string, unknown>;
  let download: Response;
  let bytes: Buffer;
  let archive: ExtractedArchive;
  let manifest: Manifest;

  beforeAll(async () => {
    server = await startServer();
    const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    expect(created.response.headers.get('location')).toBe(`/v1/exports/${created.data?.id}`);
    expect(created.data?.status).toBe('pending');
    exportObject = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
    download = await fetch(exportObject.download_url as string);
    (await validatorOf(server.baseUrl)).check(
      'GET',
      exportObject.download_url as string,
      download.status,
      download.headers.get('content-type'),
      undefined,
    );
    bytes = Buffer.from(await download.arrayBuffer());
    archive = await extractArchive(bytes);
    manifest = await archive.json<Manifest>('manifest.json');
  });
  afterAll(async () => server?.close());

  it('completes, with progress, a file and a download link', () => {
    expect(exportObject.status).toBe('completed');
    expect(exportObject.id).toMatch(/^exp_[0-9a-z]{24}$/);
    const progress = exportObject.progress as Record<string, number>;
    expect(progress.categories_done).toBe(progress.categories_total);
    expect(progress.rows_written).toBeGreaterThan(1000);
    const file = exportObject.file as { name: string; bytes: number; sha256: string };
    expect(file.name).toMatch(/^acme-migration-\d{8}-exp_[0-9a-z]{24}\.zip$/);
    expect(exportObject.download_url_expires_at).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    expect(exportObject.error).toBeNull();
  });

  it('downloads through download_url without credentials, bytes matching file.sha256', () => {
    const file = exportObject.file as { bytes: number; sha256: string };
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(bytes.length).toBe(file.bytes);
    expect(archive.sha256).toBe(file.sha256);
  });

  it('passes sha256sum -c for every file', async () => {
    const out = await sha256sumCheck(archive.dir);
    expect(out).toContain('manifest.json: OK');
    expect(out).not.toMatch(/FAILED/);
  });

  it('lists every catalog category in the manifest, with row counts equal to count(*) in the platform', () => {
    const db = new Database(demoDatabase(), { readonly: true });
    try {
      const catalog = server.runtime.catalog;
      expect(manifest.categories.map((c) => c.name)).toEqual(catalog.categories.map((c) => c.name));
      for (const category of catalog.categories) {
        const entry = manifest.categories.find((c) => c.name === category.name)!;
        expect(entry.included).toBe(category.included);
        if (!category.included || !entry.included) {
          expect(entry).toMatchObject({ reason: expect.any(String) as string });
          continue;
        }
        expect(entry.rows, category.name).toBe(platformCount(db, category, 'acme'));
      }
    } finally {
      db.close();
    }
  });

  it('writes JSON and CSV that independent parsers read back as the same records', async () => {
    for (const entry of manifest.categories) {
      if (!entry.included) continue;
      const jsonFile = entry.files.find((f) => f.format === 'json')!;
      const doc = await archive.json<{
        metadata: { fields: { name: string; type: string }[] };
        records: Record<string, unknown>[];
      }>(jsonFile.path);
      const jsonFields = new Set(
        doc.metadata.fields.filter((f) => f.type === 'json').map((f) => f.name),
      );
      expect(doc.records.length, jsonFile.path).toBe(entry.rows);
      const csvFile = entry.files.find((f) => f.format === 'csv');
      if (csvFile === undefined) continue;
      const text = await archive.read(csvFile.path);
      expect(text.endsWith('\r\n') || text === '').toBe(true);
      // An unquoted empty field is null; a quoted one is the empty string.
      const rows = parseCsv(text, {
        bom: true,
        cast: (value, context) =>
          context.header || context.quoting || value !== '' ? value : null,
      }) as (string | null)[][];
      const [header, ...data] = rows;
      const fields = Object.keys(doc.records[0] ?? {});
      if (doc.records.length > 0) expect(header).toEqual(fields);
      expect(data.length, csvFile.path).toBe(entry.rows);
      data.forEach((record, i) => {
        const json = doc.records[i]!;
        fields.forEach((field, k) => {
          const where = `${csvFile.path} row ${i + 1} ${field}`;
          const cell = record[k] ?? null;
          if (jsonFields.has(field) && cell !== null)
            expect(JSON.parse(cell), where).toEqual(json[field]);
          else expect(cell, where).toBe(csvText(json[field] as string | number | boolean | null));
        });
      });
    }
  });

  it('records content_sha256 as sha256 of the data and schema checksum lines', async () => {
    const out = await shell(
      archive.dir,
      "grep -E '^[0-9a-f]{64}  (data|schemas|attachments)/' SHA256SUMS | sha256sum",
    );
    expect(out.split(' ')[0]).toBe(manifest.content_sha256);
    const sums = new Map(
      (await archive.read('SHA256SUMS'))
        .trim()
        .split('\n')
        .map((line) => [line.slice(66), line.slice(0, 64)] as const),
    );
    for (const file of manifest.categories.flatMap((c) => (c.included ? c.files : []))) {
      expect(sums.get(file.path), file.path).toBe(file.sha256);
      const actual = createHash('sha256')
        .update(await archive.read(file.path))
        .digest('hex');
      expect(actual, file.path).toBe(file.sha256);
    }
  });

  it('serves byte ranges of the archive', async () => {
    const partial = await fetch(exportObject.download_url as string, {
      headers: { range: 'bytes=0-99' },
    });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(bytes.subarray(0, 100));
    const tail = await fetch(exportObject.download_url as string, {
      headers: { range: 'bytes=-10' },
    });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
  });

  it('exports a subset of categories with the CSV options, and says so in the manifest', async () => {
    const created = await portageClient(server.baseUrl, server.keys.globex).POST('/v1/exports', {
      body: {
        purpose: 'migration',
        categories: ['tasks', 'labels'],
        csv: { bom: true, formula_protection: true },
      },
    });
    expect(created.data?.categories).toEqual(['labels', 'tasks']);
    const done = await waitForExport(server.baseUrl, server.keys.globex!, created.data!.id);
    const subset = await extractArchive(
      Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer()),
    );
    const subsetManifest = await subset.json<Manifest>('manifest.json');
    expect(subsetManifest.export.csv).toEqual({ bom: true, formula_protection: true });
    expect(subsetManifest.categories.map((c) => c.name)).toEqual(
      server.runtime.catalog.categories.map((c) => c.name),
    );
    for (const category of subsetManifest.categories) {
      const wanted = category.name === 'tasks' || category.name === 'labels';
      expect(category.requested, category.name).toBe(wanted);
      if (category.included) expect(category.files.length > 0, category.name).toBe(wanted);
    }
    expect(subsetManifest.categories.find((c) => c.name === 'api_keys')).toMatchObject({
      included: false,
      requested: false,
    });
    const csv = await readFile(join(subset.dir, 'data', 'tasks.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Spreadsheet formula bait in the demo's task titles comes out as text.
    const rows: string[][] = parseCsv(csv, { bom: true });
    const cells = rows.flat();
    expect(cells.some((cell) => cell.startsWith("'="))).toBe(true);
    expect(cells.some((cell) => /^[=@]/.test(cell))).toBe(false);
  });

  it('refuses a tampered download link with 403', async () => {
    const url = new URL(exportObject.download_url as string);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    const answer = await portageClient(server.baseUrl).GET('/v1/exports/{id}/download', {
      params: {
        path: { id: exportObject.id as string },
        query: Object.fromEntries(url.searchParams),
      },
    });
    expect(answer.response.status).toBe(403);
    expect(answer.error?.code).toBe('download_link_invalid');
  });
});
