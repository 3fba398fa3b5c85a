import { describe, expect, it } from 'vitest';
import { CatalogError, parseCatalog, type Catalog, type IncludedCategory } from './index.js';

const header = `version: "1"
platform: { name: Test, description: A test platform. }
categories:
  - name: account
    title: Account
    description: The tenant.
    account: { display_field: name }
    source: { table: orgs, tenant_column: id }
    primary_key: [id]
    fields:
      - { name: id, type: uuid, description: Id. }
      - { name: name, type: string, description: Name. }
      - { name: plan, type: string, description: Plan. }
`;

function load(yaml: string): Catalog {
  return parseCatalog('catalog.yaml', header + yaml);
}

function problems(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.field}: ${i.message}`);
    throw error;
  }
  throw new Error('the catalog was accepted');
}

function category(catalog: Catalog, name: string): IncludedCategory {
  const found = catalog.categories.find((c) => c.name === name);
  if (found === undefined || !found.included) throw new Error(`no included ${name}`);
  return found;
}

const deals = `  - name: deals
    title: Deals
    description: Deals.
    source: { table: deals, tenant_column: org_id }
    primary_key: [id]
    fields:
      - { name: id, type: uuid, description: Id. }
      - { name: org_id, type: uuid, description: Org. }
      - { name: amount, type: decimal, scale: 2, precision: 14, description: Amount. }
      - { name: closed_at, type: timestamp, precision: 6, nullable: true, description: Closed. }
`;

const notes = `  - name: notes
    title: Notes
    description: Notes on deals, answered in threads.
    source:
      table: notes
      through:
        - { column: deal_id, table: deals, key: id }
      tenant_column: org_id
    primary_key: [id]
    references:
      - { field: deal_id, category: deals }
      - { field: parent_id, category: notes }
    fields:
      - { name: id, type: bigint, description: Id. }
      - { name: deal_id, type: uuid, description: Deal. }
      - { name: parent_id, type: bigint, nullable: true, description: Parent note. }
`;

describe('the catalog model', () => {
  it('marks the account, its display field, and which of its fields the platform owns', () => {
    const catalog = load(deals);
    expect(catalog.account.name).toBe('account');
    expect(catalog.account.account).toEqual({ displayField: 'name' });
    const owned = catalog.account.fields.map((f) => [f.name, f.platformOwned]);
    expect(owned).toEqual([
      ['id', false],
      ['name', false],
      ['plan', true],
    ]);
    expect(category(catalog, 'deals').fields.every((f) => !f.platformOwned)).toBe(true);
  });

  it('refuses a catalog without an account, or with two', () => {
    const without = header.replace('    account: { display_field: name }\n', '');
    expect(() => parseCatalog('catalog.yaml', without)).toThrow(/must be the account/);
    const twice = header + header.split('categories:\n')[1]!.replace('name: account', 'name: org2');
    expect(() => parseCatalog('catalog.yaml', twice)).toThrow(
      /only one category can be the account/,
    );
  });

  it('refuses an account whose key is not its tenant column', () => {
    const wrong = header.replace('tenant_column: id', 'tenant_column: name');
    expect(() => parseCatalog('catalog.yaml', wrong)).toThrow(/one row per tenant/);
  });

  it('reads a tenant chain, composite hops, exact decimals and timestamp precision', () => {
    const catalog = load(deals + notes);
    expect(category(catalog, 'notes').source).toEqual({
      kind: 'table',
      table: 'notes',
      tenantColumn: 'org_id',
      through: [{ columns: ['deal_id'], table: 'deals', keys: ['id'] }],
    });
    const fields = category(catalog, 'deals').fields;
    expect(fields.find((f) => f.name === 'amount')).toMatchObject({ scale: 2, precision: 14 });
    expect(fields.find((f) => f.name === 'closed_at')).toMatchObject({ precision: 6 });
    const composite = load(
      deals.replace(
        'source: { table: deals, tenant_column: org_id }',
        `source:
      table: deals
      through: [{ column: [org_id, region], table: shards, key: [org, region] }]
      tenant_column: org_id`,
      ),
    );
    expect(category(composite, 'deals').source).toMatchObject({
      through: [{ columns: ['org_id', 'region'], keys: ['org', 'region'] }],
    });
  });

  it('gives each primary key its remap rule from its type, and refuses a text key without one', () => {
    const catalog = load(deals + notes);
    expect(category(catalog, 'deals').fields[0]!.newKey).toEqual({ kind: 'uuid' });
    expect(category(catalog, 'notes').fields[0]!.newKey).toEqual({ kind: 'sequence' });
    expect(catalog.account.fields[0]!.newKey).toEqual({ kind: 'tenant' });
    const text = deals.replace(
      '{ name: id, type: uuid, description: Id. }',
      '{ name: id, type: string, description: Id. }',
    );
    expect(problems(text)).toEqual([
      expect.stringMatching(/^categories\[1\]\.fields\[0\]: .*needs new_key: "uuid".*or "keep"/),
    ]);
    const kept = text.replace(
      'type: string, description: Id.',
      'type: string, new_key: keep, description: Id.',
    );
    expect(category(load(kept), 'deals').fields[0]!.newKey).toEqual({ kind: 'keep' });
  });

  it('checks a reference against the width of the key it points at', () => {
    const wide = `  - name: stages
    title: Stages
    description: Pipeline stages.
    source: { table: stages, tenant_column: org_id }
    primary_key: [org_id, position]
    fields:
      - { name: org_id, type: uuid, description: Org. }
      - { name: position, type: integer, description: Position. }
`;
    const pointing = deals
      .replace(
        '    fields:\n',
        '    references:\n      - { field: stage, category: stages }\n    fields:\n',
      )
      .replace(
        '      - { name: amount',
        '      - { name: stage, type: integer, description: Stage. }\n      - { name: amount',
      );
    expect(problems(wide + pointing)).toEqual([
      expect.stringMatching(
        /^categories\[2\]\.references\[0\]: has 1 field\(s\) but "stages" has a primary key of 2/,
      ),
    ]);
    const fixed = pointing.replace(
      '{ field: stage, category: stages }',
      '{ fields: [org_id, stage], category: stages }',
    );
    expect(category(load(wide + fixed), 'deals').references).toEqual([
      { fields: ['org_id', 'stage'], category: 'stages' },
    ]);
  });

  it('refuses a cycle of references none of which may be null', () => {
    const required = notes.replace(
      '{ name: parent_id, type: bigint, nullable: true,',
      '{ name: parent_id, type: bigint,',
    );
    expect(problems(deals + required)).toEqual([
      expect.stringMatching(/cycle with no nullable reference \(notes → notes\)/),
    ]);
  });

  it('lets only a query source compute a field, and asks why', () => {
    const computed = deals.replace(
      'description: Amount. }',
      'computed: Sum of the lines., description: Amount. }',
    );
    expect(problems(computed)).toEqual([
      expect.stringMatching(/fields\[2\]\.computed: only a query source can compute a field/),
    ]);
    const query = `  - name: totals
    title: Totals
    description: Totals per deal.
    source:
      table: deals
      query: SELECT id, amount * 2 AS doubled FROM deals WHERE org_id = :tenant
    primary_key: [id]
    fields:
      - { name: id, type: uuid, description: Id. }
      - { name: doubled, type: decimal, scale: 2, computed: Twice the amount., description: Twice. }
`;
    expect(category(load(query), 'totals').fields[1]!.computed).toBe('Twice the amount.');
  });

  it('requires a decimal scale, bounds timestamp precision, and a files folder with {tenant}', () => {
    const bad = deals
      .replace('scale: 2, precision: 14, ', '')
      .replace('precision: 6', 'precision: 9');
    expect(problems(bad)).toEqual([
      expect.stringMatching(/fields\[2\]\.scale: is required for a decimal/),
      expect.stringMatching(/fields\[3\]\.precision: must be an integer from 0 to 6/),
    ]);
    const files = deals
      .replace('    fields:\n', "    files: { path_field: path, folder: 'files' }\n    fields:\n")
      .replace(
        '      - { name: amount',
        '      - { name: path, type: string, description: Path. }\n      - { name: amount',
      );
    expect(problems(files)).toEqual([
      expect.stringMatching(/files\.folder: must contain \{tenant\}/),
    ]);
  });
});
