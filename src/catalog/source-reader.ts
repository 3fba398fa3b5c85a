import type { CategorySource, TenantHop } from './types.js';
import type { YamlPath, YamlReader } from './yaml-reader.js';

const EMPTY: CategorySource = { kind: 'table', table: '', tenantColumn: '', through: [] };

/**
 * Reads an included category's `source`: a table scoped by its own tenant
 * column or by a chain of foreign keys (`through`), or an SQL query naming
 * the table its rows belong to.
 */
export function readSource(r: YamlReader, path: YamlPath): CategorySource {
  if (!r.has(path)) {
    r.fail(path, 'is required for an included category (or declare `excluded` with a reason)');
    return EMPTY;
  }
  if (!r.isMapping(path)) return EMPTY;
  if (r.has([...path, 'query'])) {
    r.rejectUnknownKeys(path, ['query', 'table']);
    const sql = r.string([...path, 'query']);
    if (sql !== '' && !/:tenant\b/.test(sql)) {
      r.fail([...path, 'query'], 'must select one tenant with the :tenant parameter');
    }
    return { kind: 'query', sql, table: r.string([...path, 'table']) };
  }
  r.rejectUnknownKeys(path, ['table', 'tenant_column', 'through']);
  const through = Array.from({ length: r.length([...path, 'through'], false) }, (_, k) =>
    readHop(r, [...path, 'through', k]),
  );
  return {
    kind: 'table',
    table: r.string([...path, 'table']),
    tenantColumn: r.string([...path, 'tenant_column']),
    through,
  };
}

function readHop(r: YamlReader, path: YamlPath): TenantHop {
  if (!r.isMapping(path)) {
    if (r.has(path)) return { columns: [], table: '', keys: [] };
    r.fail(path, 'must be a mapping with column, table and key');
  }
  r.rejectUnknownKeys(path, ['column', 'table', 'key']);
  const columns = r.stringOrList([...path, 'column']);
  const table = r.string([...path, 'table']);
  const keys = r.stringOrList([...path, 'key']);
  if (columns.length !== keys.length) {
    r.fail([...path, 'key'], `must name as many columns as column (${columns.length})`);
  }
  return { columns, table, keys };
}
