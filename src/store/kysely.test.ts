import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kysely, PostgresAdapter, sql } from './kysely.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe("Kysely's values", () => {
  it('come from its CommonJS build, whose classes the rest of Portage checks against', async () => {
    const required = (await import('node:module')).createRequire(import.meta.url)('kysely') as {
      PostgresAdapter: unknown;
    };
    expect(PostgresAdapter).toBe(required.PostgresAdapter);
    expect(typeof Kysely).toBe('function');
    expect(sql`select 1`.toOperationNode().kind).toBe('RawNode');
  });

  it('are imported from src/store/kysely.ts everywhere: an import from kysely itself is of types only', () => {
    const valueImports = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from 'kysely';/gms)].map(
        (match) => `${relative(SRC, file)}: ${match[0]}`,
      ),
    );
    expect(valueImports).toEqual([]);
  });
});
