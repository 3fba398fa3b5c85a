import { relative, resolve } from 'node:path';
import { isMysqlUrl, type Settings } from '../config/index.js';
import {
  DEFAULT_DEMO_PLATFORM,
  demoPlatform,
  generateDemoPlatform,
  generateDemoPlatformInMysql,
  generateDemoPlatformInPostgres,
} from '../demo/index.js';
import { progressBar } from './progress-bar.js';
import { countsTable } from './counts-table.js';

/** Options of `portage demo`. */
export interface DemoCommandOptions {
  /** The platform's registry name. (Default: `acme-tasks`) */
  readonly platform: string;
  readonly scale: number;
  /** A `postgres://` or `mysql://` URL to write into instead of SQLite. */
  readonly database?: string;
  /** Print the summary as JSON rather than a table. (Default: false) */
  readonly json?: boolean;
}

/**
 * `portage demo`: generates a demo platform. Into SQLite, the default platform
 * goes where the settings' source URL points (`<data dir>/demo-platform.sqlite`
 * unless `PORTAGE_SOURCE_URL` says otherwise) and any other platform into its
 * own file in the data directory, so that the default demo is left alone.
 * Prints the rows per table and tenant on stdout (a table, or JSON with
 * `json`); on stderr, a progress bar on a terminal (else a line per stage) and
 * how to use what it wrote.
 * @throws {RangeError} for an unknown platform (the CLI prints it, exit 1).
 */
export async function runDemo(settings: Settings, options: DemoCommandOptions): Promise<void> {
  const platform = demoPlatform(options.platform);
  const started = Date.now();
  const bar = progressBar();
  const tty = process.stderr.isTTY === true;
  const common = {
    platform,
    filesDir: settings.filesDir,
    scale: options.scale,
    onProgress: (message: string) => {
      if (!tty) process.stderr.write(`${message}\n`);
    },
    onStage: ({ name, done, total }: { name: string; done: number; total: number }) =>
      bar.update({ label: name, done, total }),
  };
  const file =
    platform === DEFAULT_DEMO_PLATFORM || !settings.demo
      ? settings.sourceUrl
      : resolve(settings.dataDir, platform.sqliteFile);
  const summary = await (
    options.database === undefined
      ? generateDemoPlatform({ file, ...common })
      : isMysqlUrl(options.database)
        ? generateDemoPlatformInMysql({ database: options.database, ...common })
        : generateDemoPlatformInPostgres({ database: options.database, ...common })
  ).finally(() => bar.finish());
  const target = 'file' in summary ? summary.file : summary.database;
  process.stderr.write(`Wrote ${platform.title} to ${target} in ${Date.now() - started} ms.\n`);
  if (platform !== DEFAULT_DEMO_PLATFORM) {
    const source = 'file' in summary ? summary.file : summary.database;
    process.stderr.write(
      `Use it with PORTAGE_SOURCE_URL=${source} PORTAGE_CATALOG=${relative(process.cwd(), platform.catalogFile)}\n`,
    );
  }
  process.stdout.write(
    options.json === true
      ? `${JSON.stringify(summary, null, 2)}\n`
      : countsTable(
          summary.counts,
          Object.fromEntries(platform.tenants.map((t) => [t.id, t.name])),
        ),
  );
}
