import { copyFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateDemoPlatformInMysql,
  generateDemoPlatformInPostgres,
  type DemoPlatform,
} from '../../src/demo/index.js';
import { createMysqlTestDatabase } from './mysql.js';
import { demoDatabase, demoFiles } from './portage-server.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

/** The source databases every data-touching capability is tested on. */
export const SOURCE_DIALECTS = ['sqlite', 'postgres', 'mysql'] as const;
export type SourceDialect = (typeof SOURCE_DIALECTS)[number];

/** A demo platform loaded into a database of its own, writable by the test. */
export interface LoadedPlatform {
  readonly platform: DemoPlatform;
  readonly dialect: SourceDialect;
  /** `PORTAGE_SOURCE_URL` of it: a SQLite file path, a postgres:// or mysql:// URL. */
  readonly url: string;
  /** Its files directory (a copy, writable). */
  readonly filesDir: string;
  /** The server database behind it, to drop when the tests passed; null for SQLite. */
  readonly database: TestDatabase | null;
}

/**
 * Loads `platform` at scale 1 into a fresh database of `dialect`, under `dir`:
 * a copy of the run's shared SQLite file, or a new PostgreSQL or MySQL database
 * generated from scratch (the same rows, as the digest tests prove).
 */
export async function loadDemoPlatform(
  platform: DemoPlatform,
  dialect: SourceDialect,
  dir: string,
): Promise<LoadedPlatform> {
  const filesDir = join(dir, `${platform.name}-${dialect}-files`);
  if (dialect === 'sqlite') {
    const url = join(dir, `${platform.name}.sqlite`);
    await copyFile(demoDatabase(platform), url);
    await cp(demoFiles(), filesDir, { recursive: true });
    return { platform, dialect, url, filesDir, database: null };
  }
  const database =
    dialect === 'postgres' ? await createTestDatabase() : await createMysqlTestDatabase();
  const generate =
    dialect === 'postgres' ? generateDemoPlatformInPostgres : generateDemoPlatformInMysql;
  await generate({ platform, database: database.url, filesDir });
  return { platform, dialect, url: database.url, filesDir, database };
}
