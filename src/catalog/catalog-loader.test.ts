import { describe, expect, it } from 'vitest';
import { CatalogError, parseCatalog } from './index.js';

const header = `version: "1"
platform:
  name: Test
  description: A test platform.
categories:
`;

const users = `  - name: users
    title: Users
    description: People.
    source:
      table: users
      tenant_column: tenant_id
    primary_key: [id]
    fields:
      - name: id
        type: integer
        description: Id.
`;

const account = `  - name: account
    title: Account
    description: The tenant.
    account: { display_field: name }
    source: { table: accounts, tenant_column: id }
    primary_key: [id]
    fields:
      - { name: id, type: string, description: Id. }
      - { name: name, type: string, description: Name. }
`;

function issues(yaml: string) {
  try {
    parseCatalog('catalog.yaml', yaml);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues;
    throw error;
  }
  throw new Error('the catalog was accepted');
}

describe('the catalog loader', () => {
  it('loads a valid catalog', () => {
    const catalog = parseCatalog('catalog.yaml', header + users + account);
    expect(catalog.categories[0]).toMatchObject({
      name: 'users',
      included: true,
      primaryKey: ['id'],
    });
  });

  it('refuses an included category without a source, naming file, line and field', () => {
    const found = issues(
      `${header}  - name: users\n    title: Users\n    description: People.\n    primary_key: [id]\n    fields:\n      - name: id\n        type: integer\n        description: Id.\n`,
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        file: 'catalog.yaml',
        line: 6,
        field: 'categories[0].source',
        message: expect.stringMatching(/required/) as string,
      }),
    );
  });

  it('refuses an excluded category without a reason', () => {
    const found = issues(
      `${header}${users}  - name: sessions\n    title: Sessions\n    description: Logins.\n    excluded:\n      tables: [sessions]\n`,
    );
    expect(found).toContainEqual(
      expect.objectContaining({ field: 'categories[1].excluded.reason', line: 20 }),
    );
  });

  it('refuses a reference to an unknown category', () => {
    const found = issues(
      `${header}${users}    references:\n      - field: id\n        category: teams\n`,
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        field: 'categories[0].references[0].category',
        line: 19,
        message: 'names unknown category "teams"',
      }),
    );
  });

  it('refuses a duplicate category name', () => {
    const found = issues(header + users + users);
    expect(found).toContainEqual(
      expect.objectContaining({ field: 'categories[1].name', line: 17 }),
    );
  });

  it('refuses an unknown field type and an unknown key', () => {
    const found = issues(
      header +
        users
          .replace('type: integer', 'type: integr')
          .replace('primary_key', 'colour: red\n    primary_key'),
    );
    expect(found.map((i) => i.field)).toEqual(
      expect.arrayContaining(['categories[0].fields[0].type', 'categories[0].colour']),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const found = issues(`${header}  - name: [unclosed\n`);
    expect(found[0]).toMatchObject({ field: '(syntax)', file: 'catalog.yaml' });
    expect(found[0]!.line).toBeGreaterThanOrEqual(6);
  });

  it('renders every issue in the error message as file:line: field: message', () => {
    expect(() => parseCatalog('catalog.yaml', header + users + users)).toThrow(
      /^catalog\.yaml:17: categories\[1\]\.name: duplicates/m,
    );
  });
});
