/** What a progress bar shows; each figure is optional, shown when known. */
export interface ProgressState {
  /** What is being done now, such as a category or a stage name. */
  readonly label?: string;
  /** Units done and in all (categories, stages), for the bar and the ETA. */
  readonly done?: number;
  readonly total?: number;
  readonly rows?: number;
  readonly bytes?: number;
}

/** A progress bar on a terminal; on anything else it writes nothing. */
export interface ProgressBar {
  update(state: ProgressState): void;
  /** Clears the bar, so that what follows starts on a clean line. */
  finish(): void;
}

/** A terminal the bar draws on: standard error by default. */
export interface BarOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const WIDTH = 24;
const EVERY_MS = 100;

/** `1,234,567` */
const count = (n: number) => n.toLocaleString('en-US');

/** `12.3 MB`: decimal units, as `ls -h --si` and download tools show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `45 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * One line: `[#########---------] 3/9 tasks  12,345 rows  4.1 MB  1.2 MB/s  ETA 5 s`.
 * The rate is bytes per second (rows per second without bytes); the ETA is
 * shown once a tenth of the work is done, from the share done so far.
 */
export function renderProgress(state: ProgressState, elapsedMs: number): string {
  const parts: string[] = [];
  const seconds = elapsedMs / 1000;
  const { done, total } = state;
  if (done !== undefined && total !== undefined && total > 0) {
    const filled = Math.min(WIDTH, Math.round((done / total) * WIDTH));
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}`);
  }
  if (state.label !== undefined) parts.push(state.label);
  if (state.rows !== undefined) parts.push(`${count(state.rows)} rows`);
  if (state.bytes !== undefined) parts.push(formatBytes(state.bytes));
  if (seconds >= 1) {
    if (state.bytes !== undefined) parts.push(`${formatBytes(state.bytes / seconds)}/s`);
    else if (state.rows !== undefined)
      parts.push(`${count(Math.round(state.rows / seconds))} rows/s`);
  }
  if (
    done !== undefined &&
    total !== undefined &&
    total > 0 &&
    done / total >= 0.1 &&
    done < total
  ) {
    parts.push(`ETA ${formatSeconds((seconds * (total - done)) / done)}`);
  }
  return parts.join('  ');
}

/**
 * A progress bar redrawn in place on `output` at most every 100 ms, only when
 * `output` is a terminal: piped or redirected, the command's output carries
 * nothing extra.
 * @param output - (Default: standard error)
 * @param now - The clock. (Default: `Date.now`)
 */
export function progressBar(
  output: BarOutput = process.stderr,
  now: () => number = Date.now,
): ProgressBar {
  if (output.isTTY !== true) return { update: () => undefined, finish: () => undefined };
  const started = now();
  let last = -Infinity;
  let shown = false;
  return {
    update(state) {
      const at = now();
      if (at - last < EVERY_MS) return;
      last = at;
      shown = true;
      const line = renderProgress(state, at - started);
      const columns = output.columns !== undefined && output.columns > 0 ? output.columns : 80;
      output.write(`\r\u001b[K${line.slice(0, Math.max(10, columns - 1))}`);
    },
    finish() {
      if (shown) output.write('\r\u001b[K');
      shown = false;
    },
  };
}
