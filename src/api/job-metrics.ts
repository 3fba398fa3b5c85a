import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobTotals, Store } from '../store/index.js';

/** Bucket bounds of the export and import durations, in seconds: from a second to an hour. */
const DURATION_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** The label values of one histogram series. */
type Labels = Record<string, string>;

/**
 * A duration histogram whose buckets the database counts at each scrape.
 * prom-client's own histogram can only be fed one observation at a time,
 * which would mean reading every finished job at every scrape.
 */
class TotalsHistogram extends Histogram {
  readonly #name: string;
  readonly #help: string;
  readonly #read: () => Promise<readonly { labels: Labels; totals: JobTotals }[]>;

  constructor(
    config: { name: string; help: string; labelNames: string[]; registers: Registry[] },
    read: () => Promise<readonly { labels: Labels; totals: JobTotals }[]>,
  ) {
    super({ ...config, buckets: DURATION_BUCKETS });
    this.#name = config.name;
    this.#help = config.help;
    this.#read = read;
  }

  override async get(): ReturnType<Histogram['get']> {
    const values = [];
    for (const { labels, totals } of await this.#read()) {
      if (totals.timed === 0) continue;
      DURATION_BUCKETS.forEach((le, i) =>
        values.push({
          metricName: `${this.#name}_bucket`,
          labels: { ...labels, le },
          value: totals.within[i]!,
        }),
      );
      values.push(
        {
          metricName: `${this.#name}_bucket`,
          labels: { ...labels, le: '+Inf' },
          value: totals.timed,
        },
        { metricName: `${this.#name}_sum`, labels, value: totals.seconds },
        { metricName: `${this.#name}_count`, labels, value: totals.timed },
      );
    }
    // prom-client's types name the metric type with an enum; it reads the string.
    const metric = {
      name: this.#name,
      help: this.#help,
      type: 'histogram',
      aggregator: 'sum',
      values,
    };
    return metric as unknown as Awaited<ReturnType<Histogram['get']>>;
  }

  /** What the registry renders; the same figures as {@link get}. */
  getForPromString(): ReturnType<Histogram['get']> {
    return this.get();
  }
}

/**
 * Registers the export and import metrics on `registry`. Each is summed up by
 * the shared state at every scrape (a few rows, whatever the history's
 * length), so it counts the work of every process (API processes and
 * `portage worker`s alike) and survives their restarts:
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

  // One read of the state per scrape fills every metric below; the first
  // metric collected reads it, the others (collected at the same time) reuse it.
  let scrape: Promise<{ exports: JobTotals[]; imports: JobTotals[] }> | null = null;
  function read(): Promise<{ exports: JobTotals[]; imports: JobTotals[] }> {
    scrape ??= (async () => {
      try {
        return {
          exports: await store.stats.exportTotals(DURATION_BUCKETS),
          imports: await store.stats.importTotals(DURATION_BUCKETS),
        };
      } finally {
        setImmediate(() => (scrape = null));
      }
    })();
    return scrape;
  }

  new TotalsHistogram(
    {
      name: 'portage_export_duration_seconds',
      help: 'Time from the start to the end of each finished export, by purpose and outcome.',
      labelNames: ['purpose', 'status'],
      registers,
    },
    async () =>
      (await read()).exports.map((totals) => ({
        labels: { purpose: totals.kind, status: totals.outcome },
        totals,
      })),
  );
  new TotalsHistogram(
    {
      name: 'portage_import_duration_seconds',
      help: 'Time from the start to the end of each finished import, by mode and outcome.',
      labelNames: ['mode', 'status'],
      registers,
    },
    async () =>
      (await read()).imports.map((totals) => ({
        labels: { mode: totals.kind, status: totals.outcome },
        totals,
      })),
  );
  counter('portage_export_rows_total', 'Rows written by completed exports.', ['purpose'], (set) =>
    read().then(({ exports }) => sumCompleted(exports, 'purpose', 'rows', set)),
  );
  counter(
    'portage_export_bytes_total',
    'Archive bytes written by completed exports.',
    ['purpose'],
    (set) => read().then(({ exports }) => sumCompleted(exports, 'purpose', 'bytes', set)),
  );
  counter('portage_export_failures_total', 'Failed exports, by code.', ['purpose', 'code'], (set) =>
    read().then(({ exports }) => countFailed(exports, 'purpose', set)),
  );
  counter('portage_import_rows_total', 'Rows written by completed imports.', ['mode'], (set) =>
    read().then(({ imports }) => sumCompleted(imports, 'mode', 'rows', set)),
  );
  counter(
    'portage_import_bytes_total',
    'Bundle bytes uploaded for completed imports.',
    ['mode'],
    (set) => read().then(({ imports }) => sumCompleted(imports, 'mode', 'bytes', set)),
  );
  counter('portage_import_failures_total', 'Failed imports, by code.', ['mode', 'code'], (set) =>
    read().then(({ imports }) => countFailed(imports, 'mode', set)),
  );

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

  /** A counter whose values `fill` sets from the state at each scrape. */
  function counter(
    name: string,
    help: string,
    labelNames: string[],
    fill: (set: (labels: Labels, value: number) => void) => Promise<void>,
  ): void {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const values: [Labels, number][] = [];
        await fill((labels, value) => values.push([labels, value]));
        this.reset();
        for (const [labels, value] of values) this.inc(labels, value);
      },
    });
  }
}

/** Sums `figure` of the completed jobs by kind (purpose or mode). */
function sumCompleted(
  totals: readonly JobTotals[],
  label: string,
  figure: 'rows' | 'bytes',
  set: (labels: Labels, value: number) => void,
): void {
  const sums = new Map<string, number>();
  for (const t of totals) {
    if (t.outcome === 'completed') sums.set(t.kind, (sums.get(t.kind) ?? 0) + t[figure]);
  }
  for (const [kind, value] of sums) set({ [label]: kind }, value);
}

/** Counts the failed jobs by kind and code. */
function countFailed(
  totals: readonly JobTotals[],
  label: string,
  set: (labels: Labels, value: number) => void,
): void {
  for (const t of totals) {
    if (t.outcome === 'failed') set({ [label]: t.kind, code: t.code ?? 'unknown' }, t.count);
  }
}
