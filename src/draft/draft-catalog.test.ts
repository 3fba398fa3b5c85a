import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog/index.js';
import type { SchemaDescription, SchemaTable } from '../sources/index.js';
import { draftCatalog, DraftError, draftType, looksLikeCredential } from './index.js';

const table = (
  name: string,
  columns: [string, string, boolean?][],
  primaryKey: string[],
  foreignKeys: SchemaTable['foreignKeys'] = [],
): SchemaTable => ({
  name,
  columns: columns.map(([column, type, nullable]) => ({
    name: column,
    type,
    nullable: nullable ?? false,
  })),
  primaryKey,
  foreignKeys,
});

const schema: SchemaDescription = {
  dialect: 'postgres',
  tables: [
    table(
      'orgs',
      [
        ['id', 'uuid'],
        ['display_name', 'text'],
        ['api_secret', 'text'],
      ],
      ['id'],
    ),
    table(
      'pipelines',
      [
        ['id', 'uuid'],
        ['org_id', 'uuid'],
        ['webhook_token', 'text', true],
      ],
      ['id'],
      [{ columns: ['org_id'], table: 'orgs', keys: ['id'] }],
    ),
    table(
      'stages',
      [
        ['pipeline_id', 'uuid'],
        ['position', 'integer'],
        ['label', 'character varying(80)'],
      ],
      ['pipeline_id', 'position'],
      [{ columns: ['pipeline_id'], table: 'pipelines', keys: ['id'] }],
    ),
    table(
      'deals',
      [
        ['id', 'bigint'],
        ['pipeline_id', 'uuid'],
        ['position', 'integer'],
        ['amount', 'numeric(14,2)'],
        ['closed_at', 'timestamp(3) with time zone', true],
        ['parent_id', 'bigint', true],
      ],
      ['id'],
      [
        {
          columns: ['pipeline_id', 'position'],
          table: 'stages',
          keys: ['pipeline_id', 'position'],
        },
        { columns: ['parent_id'], table: 'deals', keys: ['id'] },
      ],
    ),
    table(
      'countries',
      [
        ['code', 'text'],
        ['name', 'text'],
      ],
      ['code'],
    ),
  ],
};

describe('catalog init', () => {
  const draft = draftCatalog({ schema, tenantTable: 'orgs', platformName: 'Test CRM' });
  const catalog = parseCatalog('draft.yaml', draft.yaml);
  const category = (name: string) => {
    const found = catalog.categories.find((c) => c.name === name);
    if (!found?.included) throw new Error(`${name} is not included`);
    return found;
  };

  it('drafts a catalog that loads, with every table and the tenant table as the account', () => {
    expect(catalog.categories.map((c) => [c.name, c.included])).toEqual([
      ['orgs', true],
      ['deals', true],
      ['pipelines', true],
      ['stages', true],
      ['countries', false],
    ]);
    expect(catalog.account.name).toBe('orgs');
    expect(catalog.account.account).toEqual({ displayField: 'display_name' });
    expect(catalog.account.excludedFields).toEqual([
      { name: 'api_secret', reason: 'TODO', importDefault: null },
    ]);
    expect(draft).toMatchObject({ included: 4, excluded: 1 });
  });

  it('reaches the tenant through composite foreign keys, and keeps composite and self references', () => {
    expect(category('deals').source).toEqual({
      kind: 'table',
      table: 'deals',
      tenantColumn: 'org_id',
      through: [
        {
          columns: ['pipeline_id', 'position'],
          table: 'stages',
          keys: ['pipeline_id', 'position'],
        },
        { columns: ['pipeline_id'], table: 'pipelines', keys: ['id'] },
      ],
    });
    expect(category('deals').references).toEqual([
      { fields: ['pipeline_id', 'position'], category: 'stages' },
      { fields: ['parent_id'], category: 'deals' },
    ]);
    expect(category('pipelines').excludedFields.map((f) => f.name)).toEqual(['webhook_token']);
  });

  it('types each column as the database declares it', () => {
    const fields = Object.fromEntries(category('deals').fields.map((f) => [f.name, f]));
    expect(fields.amount).toMatchObject({ type: 'decimal', scale: 2, precision: 14 });
    expect(fields.closed_at).toMatchObject({ type: 'timestamp', precision: 3, nullable: true });
    expect(fields.id).toMatchObject({ type: 'bigint', newKey: { kind: 'sequence' } });
    expect(draftType({ name: 'id', type: 'char(36)', nullable: false }, 'mysql').type).toBe('uuid');
    expect(draftType({ name: 'on', type: 'tinyint(1)', nullable: false }, 'mysql').type).toBe(
      'boolean',
    );
    expect(draftType({ name: 't', type: "set('a','b')", nullable: false }, 'mysql').type).toBe(
      'json',
    );
    expect(draftType({ name: 't', type: 'text[]', nullable: false }, 'postgres').type).toBe(
      'string',
    );
    expect(draftType({ name: 'at', type: 'datetime', nullable: false }, 'mysql')).toEqual({
      type: 'timestamp',
      precision: 0,
    });
  });

  it('reaches the tenant through required columns before a shorter chain through a nullable one', () => {
    const notes = table(
      'notes',
      [
        ['id', 'bigint'],
        ['deal_id', 'bigint'],
        ['author_org_id', 'uuid', true],
      ],
      ['id'],
      [
        { columns: ['author_org_id'], table: 'orgs', keys: ['id'] },
        { columns: ['deal_id'], table: 'deals', keys: ['id'] },
      ],
    );
    const withNotes = draftCatalog({
      schema: { ...schema, tables: [...schema.tables, notes] },
      tenantTable: 'orgs',
      platformName: 'x',
    });
    const found = parseCatalog('draft.yaml', withNotes.yaml).categories.find(
      (c) => c.name === 'notes',
    );
    expect(found?.included && found.source).toMatchObject({
      tenantColumn: 'org_id',
      through: [
        { columns: ['deal_id'], table: 'deals' },
        { table: 'stages' },
        { table: 'pipelines' },
      ],
    });
    const onlyNullable = draftCatalog({
      schema: {
        ...schema,
        tables: [...schema.tables, { ...notes, foreignKeys: notes.foreignKeys.slice(0, 1) }],
      },
      tenantTable: 'orgs',
      platformName: 'x',
    });
    const direct = parseCatalog('draft.yaml', onlyNullable.yaml).categories.find(
      (c) => c.name === 'notes',
    );
    expect(direct?.included && direct.source).toMatchObject({
      tenantColumn: 'author_org_id',
      through: [],
    });
  });

  it('types a SQLite INTEGER column bigint only when it holds values beyond ±(2^53−1)', () => {
    const column = { name: 'total', type: 'INTEGER', nullable: false };
    expect(draftType(column, 'sqlite').type).toBe('integer');
    expect(draftType({ ...column, holdsWideIntegers: true }, 'sqlite').type).toBe('bigint');
  });

  it('says TODO where only a person knows, and refuses a tenant table it cannot anchor on', () => {
    expect(draft.todos).toBeGreaterThan(10);
    expect(catalog.categories.find((c) => c.name === 'countries')).toMatchObject({
      reason: 'TODO',
    });
    expect(() => draftCatalog({ schema, tenantTable: 'nope', platformName: 'x' })).toThrow(
      DraftError,
    );
    expect(() => draftCatalog({ schema, tenantTable: 'stages', platformName: 'x' })).toThrow(
      /single-column primary key/,
    );
  });

  it('recognises credential-looking names, not every word that contains one', () => {
    for (const name of ['password_hash', 'api_key', 'refresh_token', 'webhookSecret', 'salt']) {
      expect([name, looksLikeCredential(name)]).toEqual([name, name !== 'webhookSecret']);
    }
    for (const name of ['key', 'api_key_id', 'keyboard_layout', 'monkey']) {
      expect([name, looksLikeCredential(name)]).toEqual([name, false]);
    }
  });
});
