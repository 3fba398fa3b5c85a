import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Store } from '../store/index.js';

/** Bucket bounds of the export and import durations, in seconds: from a second to an hour. */
const DURATION_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Registers the export and import metrics on `registry`. Each is computed from
 * the shared state at every scrape, so it counts the work of every process
 * (API processes and `portage worker`s alike) and survives their restarts:
 *
 * - `portage_export_duration_seconds{purpose,status}` and
 *   `portage_import_duration_seconds{mode,status}`: start to end of each
 *   finished one (`status` is `completed` or `failed`);
 * - `portage_export_rows_total{purpose}`, `portage_export_bytes_total{purpose}`
 *   (archive bytes), `portage_import_rows_total{mode}`,
 *   `portage_import_bytes_total{mode}` (upload bytes), of completed ones;
 * - `portage_export_failures_total{purpose,code}`, `portage_import_failures_total{mode,code}`;
 * - `portage_export_queue_depth` and `portage_import_queue_depth`: waiting (`pending`) now.
 */
export function registerJobMetrics(registry: Registry, store: Store): void {
  const registers = [registry];
  const exportDuration = new Histogram({
    name: 'portage_export_duration_seconds',
    help: 'Time from the start to the end of each finished export, by purpose and outcome.',
    labelNames: ['purpose', 'status'],
    buckets: DURATION_BUCKETS,
    registers,
    collect: () => refresh(),
  });
  const importDuration = new Histogram({
    name: 'portage_import_duration_seconds',
    help: 'Time from the start to the end of each finished import, by mode and outcome.',
    labelNames: ['mode', 'status'],
    buckets: DURATION_BUCKETS,
    registers,
    collect: () => refresh(),
  });
  const exportRows = counter('portage_export_rows_total', 'Rows written by completed exports.', [
    'purpose',
  ]);
  const exportBytes = counter(
    'portage_export_bytes_total',
    'Archive bytes written by completed exports.',
    ['purpose'],
  );
  const exportFailures = counter('portage_export_failures_total', 'Failed exports, by code.', [
    'purpose',
    'code',
  ]);
  const importRows = counter('portage_import_rows_total', 'Rows written by completed imports.', [
    'mode',
  ]);
  const importBytes = counter(
    'portage_import_bytes_total',
    'Bundle bytes uploaded for completed imports.',
    ['mode'],
  );
  const importFailures = counter('portage_import_failures_total', 'Failed imports, by code.', [
    'mode',
    'code',
  ]);

  // One read of the state per scrape fills every metric above; the first
  // metric collected reads it, the others (collected at the same time) reuse it.
  let scrape: Promise<void> | null = null;
  function refresh(): Promise<void> {
    scrape ??= (async () => {
      try {
        const [exports, imports] = [
          await store.stats.finishedExports(),
          await store.stats.finishedImports(),
        ];
        for (const metric of [exportDuration, importDuration]) metric.reset();
        for (const metric of [exportRows, exportBytes, exportFailures]) metric.reset();
        for (const metric of [importRows, importBytes, importFailures]) metric.reset();
        for (const e of exports) {
          const status = e.status === 'failed' ? 'failed' : 'completed';
          if (e.seconds !== null) exportDuration.observe({ purpose: e.purpose, status }, e.seconds);
          if (status === 'completed') {
            exportRows.inc({ purpose: e.purpose }, e.rows);
            exportBytes.inc({ purpose: e.purpose }, e.bytes);
          } else {
            exportFailures.inc({ purpose: e.purpose, code: e.code ?? 'unknown' });
          }
        }
        for (const i of imports) {
          if (i.seconds !== null)
            importDuration.observe({ mode: i.mode, status: i.status }, i.seconds);
          if (i.status === 'completed') {
            importRows.inc({ mode: i.mode }, i.rows);
            importBytes.inc({ mode: i.mode }, i.bytes);
          } else {
            importFailures.inc({ mode: i.mode, code: i.code ?? 'unknown' });
          }
        }
      } finally {
        setImmediate(() => (scrape = null));
      }
    })();
    return scrape;
  }

  new Gauge({
    name: 'portage_export_queue_depth',
    help: 'Exports waiting for a worker (pending), across every process.',
    registers,
    async collect() {
      this.set((await store.exports.countByStatus()).pending ?? 0);
    },
  });
  new Gauge({
    name: 'portage_import_queue_depth',
    help: 'Imports waiting to run (pending), across every process.',
    registers,
    async collect() {
      this.set((await store.imports.countByStatus()).pending ?? 0);
    },
  });

  function counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers, collect: () => refresh() });
  }
}
