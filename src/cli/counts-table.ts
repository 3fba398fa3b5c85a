import type { DemoCounts } from '../demo/index.js';

/** Longest tenant id shown whole as a column heading; longer ones (UUIDs) are cut, with a key below. */
const HEADING = 12;

/**
 * Rows per table (one line each) and tenant (one column each), right-aligned,
 * with a total line: what `portage demo` wrote, at a glance.
 * @param names - Tenant names by id, for the key of cut headings. (Default: none)
 */
export function countsTable(
  counts: DemoCounts,
  names: Readonly<Record<string, string>> = {},
): string {
  const tenants = Object.keys(counts);
  const heading = (id: string) => (id.length <= HEADING ? id : `${id.slice(0, 8)}…`);
  const tables = [...new Set(tenants.flatMap((t) => Object.keys(counts[t] ?? {})))];
  const cell = (n: number) => n.toLocaleString('en-US');
  const rows = tables.map((table) => [
    table,
    ...tenants.map((tenant) => cell(counts[tenant]?.[table] ?? 0)),
  ]);
  const totals = tenants.map((tenant) =>
    cell(Object.values(counts[tenant] ?? {}).reduce((a, b) => a + b, 0)),
  );
  const lines = [['table', ...tenants.map(heading)], ...rows, ['total', ...totals]];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const format = (line: string[]) =>
    line
      .map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const key = tenants
    .filter((id) => heading(id) !== id)
    .map((id) => `${heading(id)} = ${id}${names[id] === undefined ? '' : ` (${names[id]})`}`);
  return [
    format(lines[0]!),
    rule,
    ...rows.map(format),
    rule,
    format(lines.at(-1)!),
    ...key,
    '',
  ].join('\n');
}
