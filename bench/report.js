/**
 * One measure's runs and what they give: medians, extremes and rates.
 *
 * @typedef {object} MeasureResult
 * @property {string} id
 * @property {string} label
 * @property {'baseline' | 'portage'} kind
 * @property {string} tenant
 * @property {string | null} format
 * @property {number} rows - Rows of the tenant's `tasks`.
 * @property {number} bytes - Uncompressed bytes of the data written (one run's; every run writes the same).
 * @property {number[]} runs_ms - Wall time of each run, in order.
 * @property {number} median_ms
 * @property {number} min_ms
 * @property {number} max_ms
 * @property {number} rows_per_s - At the median time.
 * @property {number} mb_per_s - Uncompressed MB (10^6 bytes) per second at the median time.
 * @property {number[]} runs_cpu_ms - CPU time (user + system) of each run, in order.
 * @property {number} median_cpu_ms
 * @property {number[]} runs_load1 - The 1-minute load average before each run.
 * @property {number[] | null} peak_rss_bytes - Each run's peak RSS, for Portage runs.
 */

/**
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? /** @type {number} */ (sorted[mid])
    : /** @type {number} */ (sorted[mid - 1] + /** @type {number} */ (sorted[mid])) / 2;
}

/**
 * Sums up the runs of one measure.
 *
 * @param {{ id: string, label: string, kind: 'baseline' | 'portage', tenant: string, format: string | null }} measure
 * @param {number} rows
 * @param {readonly { ms: number, cpuMs: number, load1: number, bytes: number, peakRss: number | null }[]} runs
 * @returns {MeasureResult}
 */
export function summarize(measure, rows, runs) {
  const times = runs.map((r) => r.ms);
  const mid = median(times);
  const rss = runs.map((r) => r.peakRss);
  return {
    id: measure.id,
    label: measure.label,
    kind: measure.kind,
    tenant: measure.tenant,
    format: measure.format,
    rows,
    bytes: runs[0]?.bytes ?? 0,
    runs_ms: times.map(Math.round),
    median_ms: Math.round(mid),
    min_ms: Math.round(Math.min(...times)),
    max_ms: Math.round(Math.max(...times)),
    rows_per_s: Math.round(rows / (mid / 1000)),
    mb_per_s: round1((runs[0]?.bytes ?? 0) / 1e6 / (mid / 1000)),
    runs_cpu_ms: runs.map((r) => r.cpuMs),
    median_cpu_ms: Math.round(median(runs.map((r) => r.cpuMs))),
    runs_load1: runs.map((r) => r.load1),
    peak_rss_bytes: rss.every((v) => v !== null) ? /** @type {number[]} */ (rss) : null,
  };
}

/**
 * @param {number} value
 * @returns {number}
 */
export function round1(value) {
  return Math.round(value * 10) / 10;
}

/**
 * @param {number} value
 * @returns {number}
 */
export function round2(value) {
  return Math.round(value * 100) / 100;
}

/**
 * The results as a fixed-width table, one line per measure.
 *
 * @param {readonly MeasureResult[]} results
 * @param {Readonly<Record<string, number>>} ratios - Portage/baseline by measure id.
 * @returns {string}
 */
export function formatTable(results, ratios) {
  const header = [
    'tenant',
    'measure',
    'rows',
    'MB',
    'median s',
    'min–max s',
    'CPU s',
    'load',
    'rows/s',
    'MB/s',
    'ratio',
    'peak RSS MB',
  ];
  const lines = results.map((r) => [
    r.tenant,
    r.label,
    r.rows.toLocaleString('en-US'),
    (r.bytes / 1e6).toFixed(1),
    (r.median_ms / 1000).toFixed(2),
    `${(r.min_ms / 1000).toFixed(2)}–${(r.max_ms / 1000).toFixed(2)}`,
    (r.median_cpu_ms / 1000).toFixed(2),
    Math.max(...r.runs_load1).toFixed(2),
    r.rows_per_s.toLocaleString('en-US'),
    r.mb_per_s.toFixed(1),
    ratios[`${r.tenant}:${r.id}`]?.toFixed(2) ?? '',
    r.peak_rss_bytes ? (Math.max(...r.peak_rss_bytes) / 2 ** 20).toFixed(0) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (/** @type {string[]} */ cells) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join(
    '\n',
  );
}
