import { relative, resolve } from 'node:path';
import { isMysqlUrl, type Settings } from '../config/index.js';
import {
  DEFAULT_DEMO_PLATFORM,
  demoPlatform,
  generateDemoPlatform,
  generateDemoPlatformInMysql,
  generateDemoPlatformInPostgres,
} from '../demo/index.js';

/** Options of `portage demo`. */
export interface DemoCommandOptions {
  /** The platform's registry name. (Default: `acme-tasks`) */
  readonly platform: string;
  readonly scale: number;
  /** A `postgres://` or `mysql://` URL to write into instead of SQLite. */
  readonly database?: string;
}

/**
 * `portage demo`: generates a demo platform. Into SQLite, the default platform
 * goes where the settings' source URL points (`<data dir>/demo-platform.sqlite`
 * unless `PORTAGE_SOURCE_URL` says otherwise) and any other platform into its
 * own file in the data directory, so that the default demo is left alone.
 * Prints the summary as JSON on stdout, progress and how to use it on stderr.
 * @throws {RangeError} for an unknown platform (the CLI prints it, exit 1).
 */
export async function runDemo(settings: Settings, options: DemoCommandOptions): Promise<void> {
  const platform = demoPlatform(options.platform);
  const started = Date.now();
  const common = {
    platform,
    filesDir: settings.filesDir,
    scale: options.scale,
    onProgress: (message: string) => process.stderr.write(`${message}\n`),
  };
  const file =
    platform === DEFAULT_DEMO_PLATFORM || !settings.demo
      ? settings.sourceUrl
      : resolve(settings.dataDir, platform.sqliteFile);
  const summary =
    options.database === undefined
      ? await generateDemoPlatform({ file, ...common })
      : isMysqlUrl(options.database)
        ? await generateDemoPlatformInMysql({ database: options.database, ...common })
        : await generateDemoPlatformInPostgres({ database: options.database, ...common });
  const target = 'file' in summary ? summary.file : summary.database;
  process.stderr.write(`Wrote ${platform.title} to ${target} in ${Date.now() - started} ms.\n`);
  if (platform !== DEFAULT_DEMO_PLATFORM) {
    const source = 'file' in summary ? summary.file : summary.database;
    process.stderr.write(
      `Use it with PORTAGE_SOURCE_URL=${source} PORTAGE_CATALOG=${relative(process.cwd(), platform.catalogFile)}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
