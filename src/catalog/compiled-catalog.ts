import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from './types.js';

/**
 * Where the build leaves the shipped catalogs already read and checked, as
 * JSON named by the SHA-256 of their YAML text: `dist/catalog-cache/`. From
 * the TypeScript sources it does not exist, and every catalog is read from YAML.
 */
export const COMPILED_CATALOG_DIR = fileURLToPath(new URL('../catalog-cache/', import.meta.url));

const entryName = (text: string) => `${createHash('sha256').update(text).digest('hex')}.json`;

/**
 * The catalog a build read from exactly this YAML `text`, or null when no
 * build did: loading the YAML parser and reading the catalog with it took
 * about a tenth of a server's start once the rest had been trimmed.
 * A changed file has another digest, so it is read again.
 */
export function readCompiledCatalog(
  file: string,
  text: string,
  dir: string = COMPILED_CATALOG_DIR,
): Catalog | null {
  const entry = join(dir, entryName(text));
  if (!existsSync(entry)) return null;
  return { ...(JSON.parse(readFileSync(entry, 'utf8')) as Catalog), file };
}

/** Records `catalog`, read from `text`, for {@link readCompiledCatalog}. */
export function writeCompiledCatalog(
  text: string,
  catalog: Catalog,
  dir: string = COMPILED_CATALOG_DIR,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, entryName(text)), JSON.stringify(catalog));
}
