import { describe, expect, it } from 'vitest';
import { checkDrift, parseCatalog } from './index.js';

const catalog = parseCatalog(
  'catalog.yaml',
  `version: "1"
platform: { name: Test, description: A test platform. }
categories:
  - name: account
    title: Account
    description: The tenant.
    account: { display_field: name }
    source: { table: orgs, tenant_column: id }
    primary_key: [id]
    fields:
      - { name: id, type: string, description: Id. }
      - { name: name, type: string, description: Name. }
  - name: deals
    title: Deals
    description: Deals, scoped by their own tenant column.
    source: { table: deals, tenant_column: org_id }
    primary_key: [id]
    excluded_fields:
      - { name: secret, reason: A credential. }
    fields:
      - { name: id, type: integer, description: Id. }
  - name: notes
    title: Notes
    description: Notes, two hops from the tenant.
    source:
      table: notes
      through:
        - { column: line_id, table: lines, key: id }
        - { column: deal_id, table: deals, key: id }
      tenant_column: org_id
    primary_key: [id]
    fields:
      - { name: id, type: integer, description: Id. }
      - { name: line_id, type: integer, description: Line. }
  - name: tags
    title: Tags
    description: Tags, read by a query that joins a table it does not export.
    source:
      table: tags
      query: SELECT t.id, t.label, upper(t.label) AS shout FROM tags t JOIN tag_owners o ON o.tag_id = t.id WHERE o.org_id = :tenant
    primary_key: [id]
    fields:
      - { name: id, type: integer, description: Id. }
      - { name: label, type: string, description: Label. }
      - { name: shout, type: string, computed: The label in capitals., description: Loud. }
`,
);

const SCHEMA: Record<string, string[]> = {
  orgs: ['id', 'name'],
  deals: ['id', 'org_id', 'secret'],
  lines: ['id', 'deal_id'],
  notes: ['id', 'line_id'],
  tags: ['id', 'label'],
  tag_owners: ['tag_id', 'org_id'],
};

function columns(extra: Record<string, string[]> = {}, without: string[] = []) {
  const out: { table: string; column: string }[] = [];
  for (const [table, names] of Object.entries({ ...SCHEMA, ...extra })) {
    for (const column of names) {
      if (!without.includes(`${table}.${column}`)) out.push({ table, column });
    }
  }
  return out;
}

describe('the drift check', () => {
  it('accounts for exported, excluded and tenant columns; a joined-only table accounts for nothing', () => {
    expect(checkDrift(catalog, columns())).toEqual({
      undeclared: [
        { table: 'lines', column: null },
        { table: 'tag_owners', column: null },
      ],
      missing: [],
    });
  });

  it('names a column added to each kind of table', () => {
    const report = checkDrift(
      catalog,
      columns({
        deals: [...SCHEMA.deals!, 'added'],
        notes: [...SCHEMA.notes!, 'added'],
        tags: [...SCHEMA.tags!, 'added'],
        lines: [...SCHEMA.lines!, 'added'],
      }),
    );
    expect(report.undeclared).toEqual([
      { table: 'deals', column: 'added' },
      { table: 'lines', column: null },
      { table: 'notes', column: 'added' },
      { table: 'tag_owners', column: null },
      { table: 'tags', column: 'added' },
    ]);
  });

  it('verifies every step of a tenant chain, and never asks a computed field of its table', () => {
    const report = checkDrift(catalog, columns({}, ['lines.deal_id', 'deals.org_id']));
    expect(report.missing).toEqual([
      { category: 'deals', table: 'deals', column: 'org_id' },
      { category: 'notes', table: 'lines', column: 'deal_id' },
      { category: 'notes', table: 'deals', column: 'org_id' },
    ]);
  });
});
