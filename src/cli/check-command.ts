import {
  checkDrift,
  checkFieldTypes,
  loadCatalogFile,
  todoReasons,
  type DriftReport,
  type FieldTypeProblem,
} from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { openSource } from '../sources/index.js';

/** The outcome of `portage check`, as `--json` prints it. */
export interface CheckResult extends DriftReport {
  readonly ok: boolean;
  readonly catalog: string;
  readonly catalog_version: string;
  readonly tables: number;
  readonly columns: number;
  /** Reasons still written `TODO` (a draft catalog's placeholders), each named. */
  readonly todo: readonly string[];
  /** Fields whose declared type cannot carry what their column holds. */
  readonly types: readonly FieldTypeProblem[];
}

/**
 * Compares the catalog with every table and column of the platform database.
 * Returns the report; the command exits non-zero when it is not `ok`.
 */
export async function runCheck(settings: Settings): Promise<CheckResult> {
  const catalog = loadCatalogFile(settings.catalogFile ?? DEMO_CATALOG_FILE);
  const source = openSource(settings.sourceUrl);
  try {
    const schema = await source.describeSchema();
    const columns = schema.tables.flatMap((t) =>
      t.columns.map((c) => ({ table: t.name, column: c.name, type: c.type })),
    );
    const report = checkDrift(catalog, columns);
    const todo = todoReasons(catalog);
    const types = checkFieldTypes(catalog, columns, schema.dialect);
    return {
      ok:
        report.undeclared.length === 0 &&
        report.missing.length === 0 &&
        todo.length === 0 &&
        types.length === 0,
      catalog: catalog.file,
      catalog_version: catalog.version,
      tables: new Set(columns.map((c) => c.table)).size,
      columns: columns.length,
      todo,
      types,
      ...report,
    };
  } finally {
    await source.close();
  }
}

/** The report as plain text, one line per finding, for a CI log. */
export function formatCheck(result: CheckResult): string {
  const lines: string[] = [];
  for (const u of result.undeclared) {
    lines.push(
      u.column === null
        ? `undeclared table "${u.table}": export it in a category, exclude it with a reason, or list it under ignored_tables`
        : `undeclared column "${u.table}.${u.column}": add it to its category's fields, or to excluded_fields with a reason`,
    );
  }
  for (const m of result.missing) {
    lines.push(
      m.column === null
        ? `category "${m.category}" names table "${m.table}", which the database does not have`
        : `category "${m.category}" names column "${m.table}.${m.column}", which the database does not have`,
    );
  }
  for (const t of result.types) {
    lines.push(
      `field "${t.category}.${t.field}" (column "${t.table}.${t.field}" of type ${t.columnType}): ${t.problem}`,
    );
  }
  for (const t of result.todo) {
    lines.push(`${t} is still TODO: write it for the customer`);
  }
  const summary = `${result.tables} tables and ${result.columns} columns checked against ${result.catalog} (version ${result.catalog_version})`;
  if (result.ok) return `OK: ${summary}; every one is exported or excluded with a reason.\n`;
  return `${lines.map((l) => `FAIL ${l}`).join('\n')}\n${lines.length} problem${lines.length === 1 ? '' : 's'}: ${summary}.\n`;
}
