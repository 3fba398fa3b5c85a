import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_FILE } from '../../src/demo/index.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

const TOKEN = 'metrics-token-for-the-test';

/** The value of one sample of the Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('export lifecycle in the metrics and the log', () => {
  let server: TestServer;
  let dir: string;
  const stream = new PassThrough();
  let logText = '';
  stream.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  let completed: Record<string, unknown>;
  let failed: Record<string, unknown>;

  beforeAll(async () => {
    // A catalog whose task_labels reference a column that does not exist: an
    // export of every category fails as a real read fails, one of projects alone completes.
    dir = await mkdtemp(join(tmpdir(), 'portage-observability-'));
    const broken = join(dir, 'broken.yaml');
    const text = await readFile(DEMO_CATALOG_FILE, 'utf8');
    await writeFile(
      broken,
      text.replace(
        '{ column: task_id, table: tasks, key: id }',
        '{ column: task_id, table: tasks, key: idz }',
      ),
    );
    server = await startServer(
      { PORTAGE_CATALOG: broken, PORTAGE_METRICS_TOKEN: TOKEN },
      { logStream: stream },
    );
    const key = server.keys.globex!;
    const good = await portageClient(server.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration', categories: ['projects'] },
    });
    const bad = await portageClient(server.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    completed = await waitForExport(server.baseUrl, key, String(good.data!.id));
    failed = await waitForExport(server.baseUrl, key, String(bad.data!.id));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts durations, rows, bytes and failures by code, read from the shared state', async () => {
    expect(completed.status).toBe('completed');
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'source_read_failed' } });
    const answer = await fetch(`${server.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const record = await server.runtime.store.exports.getById(String(completed.id));
    const m = 'purpose="migration"';
    expect(sample(text, 'portage_export_duration_seconds_count', `${m},status="completed"`)).toBe(
      1,
    );
    expect(sample(text, 'portage_export_duration_seconds_count', `${m},status="failed"`)).toBe(1);
    // Buckets are cumulative, end at +Inf with the count, and the sum is the duration.
    const buckets = text
      .split('\n')
      .filter((l) =>
        l.startsWith(`portage_export_duration_seconds_bucket{${m},status="completed",`),
      )
      .map((l) => Number(l.split(' ').at(-1)));
    expect(buckets).toHaveLength(12);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(1);
    expect(
      sample(text, 'portage_export_duration_seconds_bucket', `${m},status="completed",le="+Inf"`),
    ).toBe(1);
    const started = Date.parse(String(record!.startedAt));
    const ended = Date.parse(String(record!.completedAt));
    expect(
      sample(text, 'portage_export_duration_seconds_sum', `${m},status="completed"`),
    ).toBeCloseTo((ended - started) / 1000, 3);
    expect(sample(text, 'portage_export_rows_total', m)).toBe(record!.progress.rowsWritten);
    expect(record!.progress.rowsWritten).toBeGreaterThan(0);
    expect(sample(text, 'portage_export_bytes_total', m)).toBe(record!.file!.bytes);
    expect(sample(text, 'portage_export_failures_total', `${m},code="source_read_failed"`)).toBe(1);
    expect(text).toMatch(/^portage_export_queue_depth 0$/m);
    expect(text).toMatch(/^portage_import_queue_depth 0$/m);
    expect(text).toMatch(/^# TYPE portage_import_duration_seconds histogram$/m);
  });

  it('logs one event per state change, with tenant, id, rows, bytes and duration', () => {
    const events = logText
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => typeof entry.event === 'string');
    const of = (id: unknown) => events.filter((e) => e.export_id === id).map((e) => e.event);
    expect(of(completed.id)).toEqual(['export.pending', 'export.running', 'export.completed']);
    expect(of(failed.id)).toEqual(['export.pending', 'export.running', 'export.failed']);
    const done = events.find((e) => e.event === 'export.completed')!;
    const record = completed as { progress?: unknown; file?: { bytes: number } };
    expect(done).toMatchObject({
      tenant: 'globex',
      purpose: 'migration',
      status: 'completed',
      bytes: record.file?.bytes,
    });
    expect(done.rows).toBeGreaterThan(0);
    expect(typeof done.duration_ms).toBe('number');
    expect(events.find((e) => e.event === 'export.failed')).toMatchObject({
      code: 'source_read_failed',
    });
    // Never a link, a key, a storage path or an error message quoting data.
    for (const event of events) {
      const line = JSON.stringify(event);
      expect(line).not.toMatch(/https?:|ptg_|signature|\.zip|@/);
      expect(Object.keys(event)).not.toContain('message');
    }
    for (const key of Object.values(server.keys)) expect(logText).not.toContain(key);
  });
});
