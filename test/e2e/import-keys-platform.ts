import { parseCatalog, type Catalog } from '../../src/catalog/index.js';

/**
 * A small platform whose keys are of every kind an import must handle:
 * integer (`members`, with a self-reference whose parents come after their
 * children), uuid (`boards`, in a cycle with `members` through a nullable
 * reference), a composite key with a bigint part (`cards`, whose tenant is one
 * hop away), bigint (`card_notes`, two hops away), text kept (`tags`, keyed by
 * tenant and name) and text given a new UUID (`links`), and a per-tenant
 * singleton (`org_settings`, keyed by the tenant column).
 */
export const KEYS_CATALOG_YAML = `
version: '1.0.0'
platform: { name: Keyring, description: Every kind of key. }
categories:
  - name: orgs
    title: Organisations
    description: The tenants.
    account: { display_field: name }
    source: { table: orgs, tenant_column: id }
    primary_key: [id]
    fields:
      - { name: id, type: string, description: Slug. }
      - { name: name, type: string, description: Name. }
      - { name: plan, type: string, description: Plan., import_default: free }
  - name: org_settings
    title: Settings
    description: One row per organisation.
    source: { table: org_settings, tenant_column: org_id }
    primary_key: [org_id]
    fields:
      - { name: org_id, type: string, description: Tenant. }
      - { name: theme, type: string, description: Theme. }
      - { name: seats, type: integer, description: Seats paid for., platform_owned: true }
  - name: members
    title: Members
    description: People.
    source: { table: members, tenant_column: org_id }
    primary_key: [id]
    references:
      - { field: manager_id, category: members }
      - { field: favorite_board_id, category: boards }
    fields:
      - { name: id, type: integer, description: Id. }
      - { name: org_id, type: string, description: Tenant. }
      - { name: email, type: string, description: Email. }
      - { name: manager_id, type: integer, nullable: true, description: Manager. }
      - { name: favorite_board_id, type: uuid, nullable: true, description: Favourite. }
  - name: boards
    title: Boards
    description: Boards.
    source: { table: boards, tenant_column: org_id }
    primary_key: [id]
    references:
      - { field: owner_id, category: members }
    fields:
      - { name: id, type: uuid, description: Id. }
      - { name: org_id, type: string, description: Tenant. }
      - { name: owner_id, type: integer, description: Owner. }
      - { name: title, type: string, description: Title. }
      - { name: budget, type: decimal, scale: 2, nullable: true, description: Budget. }
      - { name: archived, type: boolean, description: Archived. }
      - { name: settings, type: json, description: Settings. }
      - { name: created_at, type: timestamp, description: Created. }
  - name: cards
    title: Cards
    description: Cards, numbered per board.
    source:
      table: cards
      through: [{ column: board_id, table: boards, key: id }]
      tenant_column: org_id
    primary_key: [board_id, number]
    references:
      - { field: board_id, category: boards }
    fields:
      - { name: board_id, type: uuid, description: Board. }
      - { name: number, type: bigint, description: Number. }
      - { name: title, type: string, description: Title. }
      - { name: state, type: string, description: State. }
      - { name: cover, type: bytes, nullable: true, description: Cover image. }
  - name: card_notes
    title: Notes
    description: Notes on cards.
    source:
      table: card_notes
      through:
        - { column: [board_id, card_number], table: cards, key: [board_id, number] }
        - { column: board_id, table: boards, key: id }
      tenant_column: org_id
    primary_key: [id]
    references:
      - { fields: [board_id, card_number], category: cards }
    fields:
      - { name: id, type: bigint, description: Id. }
      - { name: board_id, type: uuid, description: Board. }
      - { name: card_number, type: bigint, description: Card. }
      - { name: body, type: string, description: Text. }
  - name: tags
    title: Tags
    description: Tags, named per organisation.
    source: { table: tags, tenant_column: org_id }
    primary_key: [org_id, name]
    fields:
      - { name: org_id, type: string, description: Tenant. }
      - { name: name, type: string, new_key: keep, description: Name. }
      - { name: color, type: string, description: Colour. }
  - name: links
    title: Links
    description: A card tagged.
    source: { table: links, tenant_column: org_id }
    primary_key: [id]
    references:
      - { fields: [board_id, card_number], category: cards }
      - { fields: [org_id, tag], category: tags }
    fields:
      - { name: id, type: string, new_key: uuid, description: Id. }
      - { name: org_id, type: string, description: Tenant. }
      - { name: board_id, type: uuid, description: Board. }
      - { name: card_number, type: bigint, description: Card. }
      - { name: tag, type: string, description: Tag. }
`;

/** The catalog of the platform. */
export const keysCatalog: Catalog = parseCatalog('keyring.yaml', KEYS_CATALOG_YAML);

/**
 * Every table, with its primary key and how its rows of a tenant (`$t`) are
 * found, to compare databases row by row.
 */
export const KEYS_TABLES: readonly { name: string; key: string; tenantRows: string }[] = [
  { name: 'orgs', key: 'id', tenantRows: 'SELECT * FROM orgs WHERE id = $t' },
  {
    name: 'org_settings',
    key: 'org_id',
    tenantRows: 'SELECT * FROM org_settings WHERE org_id = $t',
  },
  { name: 'members', key: 'id', tenantRows: 'SELECT * FROM members WHERE org_id = $t' },
  { name: 'boards', key: 'id', tenantRows: 'SELECT * FROM boards WHERE org_id = $t' },
  {
    name: 'cards',
    key: 'board_id, number',
    tenantRows: 'SELECT * FROM cards WHERE board_id IN (SELECT id FROM boards WHERE org_id = $t)',
  },
  {
    name: 'card_notes',
    key: 'id',
    tenantRows:
      'SELECT * FROM card_notes WHERE board_id IN (SELECT id FROM boards WHERE org_id = $t)',
  },
  { name: 'tags', key: 'org_id, name', tenantRows: 'SELECT * FROM tags WHERE org_id = $t' },
  { name: 'links', key: 'id', tenantRows: 'SELECT * FROM links WHERE org_id = $t' },
];

/** The schema in PostgreSQL: serial and identity keys, uuid, numeric, jsonb, timestamptz, bytea, an enum. */
export const KEYS_POSTGRES_SCHEMA = `
CREATE TYPE card_state AS ENUM ('open', 'done');
CREATE TABLE orgs (id text PRIMARY KEY, name text NOT NULL, plan text NOT NULL);
CREATE TABLE org_settings (org_id text PRIMARY KEY REFERENCES orgs, theme text NOT NULL,
  seats integer NOT NULL DEFAULT 1);
CREATE TABLE members (id serial PRIMARY KEY, org_id text NOT NULL REFERENCES orgs,
  email text NOT NULL, manager_id integer REFERENCES members, favorite_board_id uuid);
CREATE TABLE boards (id uuid PRIMARY KEY, org_id text NOT NULL REFERENCES orgs,
  owner_id integer NOT NULL REFERENCES members, title text NOT NULL, budget numeric(14,2),
  archived boolean NOT NULL, settings jsonb NOT NULL, created_at timestamptz NOT NULL);
ALTER TABLE members ADD FOREIGN KEY (favorite_board_id) REFERENCES boards;
CREATE TABLE cards (board_id uuid NOT NULL REFERENCES boards, number bigserial,
  title text NOT NULL, state card_state NOT NULL, cover bytea, PRIMARY KEY (board_id, number));
CREATE TABLE card_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  board_id uuid NOT NULL, card_number bigint NOT NULL, body text NOT NULL,
  FOREIGN KEY (board_id, card_number) REFERENCES cards);
CREATE TABLE tags (org_id text NOT NULL REFERENCES orgs, name text NOT NULL, color text NOT NULL,
  PRIMARY KEY (org_id, name));
CREATE TABLE links (id text PRIMARY KEY, org_id text NOT NULL REFERENCES orgs,
  board_id uuid NOT NULL, card_number bigint NOT NULL, tag text NOT NULL,
  FOREIGN KEY (board_id, card_number) REFERENCES cards, FOREIGN KEY (org_id, tag) REFERENCES tags);
`;

/** The same schema in SQLite (foreign keys declared, checked with `foreign_key_check`). */
export const KEYS_SQLITE_SCHEMA = `
CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL);
CREATE TABLE org_settings (org_id TEXT PRIMARY KEY REFERENCES orgs, theme TEXT NOT NULL,
  seats INTEGER NOT NULL DEFAULT 1);
CREATE TABLE members (id INTEGER PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs,
  email TEXT NOT NULL, manager_id INTEGER REFERENCES members,
  favorite_board_id TEXT REFERENCES boards);
CREATE TABLE boards (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs,
  owner_id INTEGER NOT NULL REFERENCES members, title TEXT NOT NULL, budget TEXT,
  archived INTEGER NOT NULL, settings TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE cards (board_id TEXT NOT NULL REFERENCES boards, number INTEGER NOT NULL,
  title TEXT NOT NULL, state TEXT NOT NULL, cover BLOB, PRIMARY KEY (board_id, number));
CREATE TABLE card_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, board_id TEXT NOT NULL,
  card_number INTEGER NOT NULL, body TEXT NOT NULL,
  FOREIGN KEY (board_id, card_number) REFERENCES cards);
CREATE TABLE tags (org_id TEXT NOT NULL REFERENCES orgs, name TEXT NOT NULL, color TEXT NOT NULL,
  PRIMARY KEY (org_id, name));
CREATE TABLE links (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs,
  board_id TEXT NOT NULL, card_number INTEGER NOT NULL, tag TEXT NOT NULL,
  FOREIGN KEY (board_id, card_number) REFERENCES cards, FOREIGN KEY (org_id, tag) REFERENCES tags);
`;

const B1 = '0b7c6d1e-6a51-4c1f-9a0e-3f2b1c4d5e6f';
const B2 = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const B3 = '5a5a5a5a-1111-4222-8333-444455556666';

/**
 * Rows of three tenants, as SQL statements valid in both dialects (the
 * members' board cycle is closed by an update): `north` holds the data,
 * `south` only its account and settings (the remap target), `west` a few
 * rows whose keys `north`'s could collide with, `east` only its account.
 */
export const KEYS_SEED: readonly string[] = [
  `INSERT INTO orgs VALUES ('north', 'North', 'enterprise'), ('south', 'South', 'team'),
     ('west', 'West', 'free'), ('east', 'East', 'free')`,
  `INSERT INTO org_settings VALUES ('north', 'dark', 40), ('south', 'light', 3)`,
  // Members 1 and 2 report to 3, written after them: children before parents.
  `INSERT INTO members (id, org_id, email, manager_id, favorite_board_id) VALUES
     (3, 'north', 'boss@north.test', NULL, NULL),
     (1, 'north', 'ann@north.test', 3, NULL),
     (2, 'north', 'bob@north.test', 3, NULL),
     (7, 'west', 'wes@west.test', NULL, NULL)`,
  `INSERT INTO boards VALUES
     ('${B1}', 'north', 1, 'Roadmap', '1234.50', true, '{"columns":["todo","done"],"n":1}',
      '2024-02-29T10:11:12.123Z'),
     ('${B2}', 'north', 3, 'Ops', NULL, false, '{}', '2023-12-31T23:59:59.999Z'),
     ('${B3}', 'west', 7, 'West board', '0.10', false, '[]', '2024-01-01T00:00:00.000Z')`,
  `UPDATE members SET favorite_board_id = '${B2}' WHERE id = 1`,
  `UPDATE members SET favorite_board_id = '${B1}' WHERE id = 3`,
  `INSERT INTO cards VALUES
     ('${B1}', 1, 'Plan', 'open', NULL),
     ('${B1}', 2, 'Build', 'done', X'00ff10'),
     ('${B2}', 5, 'Patch', 'open', X'cafe'),
     ('${B3}', 1, 'West card', 'open', NULL)`,
  `INSERT INTO card_notes (id, board_id, card_number, body) OVERRIDING_SYSTEM_VALUE VALUES
     (10, '${B1}', 1, 'first'), (11, '${B1}', 2, 'second, "quoted"'),
     (12, '${B2}', 5, 'third'), (20, '${B3}', 1, 'west note')`,
  `INSERT INTO tags VALUES ('north', 'urgent', 'red'), ('north', 'later', 'grey'),
     ('west', 'urgent', 'orange')`,
  `INSERT INTO links VALUES
     ('lnk-a', 'north', '${B1}', 1, 'urgent'), ('lnk-b', 'north', '${B2}', 5, 'later'),
     ('lnk-w', 'west', '${B3}', 1, 'urgent')`,
];

/**
 * The same schema in MySQL/MariaDB: AUTO_INCREMENT integer keys (one of them
 * the second part of a composite key), BINARY(16) uuids, DECIMAL, TINYINT(1),
 * JSON, DATETIME(3), BLOB and an ENUM; every foreign key enforced.
 */
export const KEYS_MYSQL_SCHEMA = `
CREATE TABLE orgs (id VARCHAR(40) PRIMARY KEY, name VARCHAR(200) NOT NULL, plan VARCHAR(40) NOT NULL);
CREATE TABLE org_settings (org_id VARCHAR(40) PRIMARY KEY, theme VARCHAR(40) NOT NULL,
  seats INT NOT NULL DEFAULT 1, FOREIGN KEY (org_id) REFERENCES orgs (id));
CREATE TABLE members (id INT AUTO_INCREMENT PRIMARY KEY, org_id VARCHAR(40) NOT NULL,
  email VARCHAR(200) NOT NULL, manager_id INT, favorite_board_id BINARY(16),
  FOREIGN KEY (org_id) REFERENCES orgs (id), FOREIGN KEY (manager_id) REFERENCES members (id));
CREATE TABLE boards (id BINARY(16) PRIMARY KEY, org_id VARCHAR(40) NOT NULL,
  owner_id INT NOT NULL, title VARCHAR(200) NOT NULL, budget DECIMAL(14,2),
  archived TINYINT(1) NOT NULL, settings JSON NOT NULL, created_at DATETIME(3) NOT NULL,
  FOREIGN KEY (org_id) REFERENCES orgs (id), FOREIGN KEY (owner_id) REFERENCES members (id));
ALTER TABLE members ADD FOREIGN KEY (favorite_board_id) REFERENCES boards (id);
CREATE TABLE cards (board_id BINARY(16) NOT NULL, number BIGINT NOT NULL AUTO_INCREMENT,
  title VARCHAR(200) NOT NULL, state ENUM('open', 'done') NOT NULL, cover BLOB,
  PRIMARY KEY (board_id, number), KEY (number), FOREIGN KEY (board_id) REFERENCES boards (id));
CREATE TABLE card_notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, board_id BINARY(16) NOT NULL,
  card_number BIGINT NOT NULL, body TEXT NOT NULL,
  FOREIGN KEY (board_id, card_number) REFERENCES cards (board_id, number));
CREATE TABLE tags (org_id VARCHAR(40) NOT NULL, name VARCHAR(100) NOT NULL,
  color VARCHAR(40) NOT NULL, PRIMARY KEY (org_id, name), FOREIGN KEY (org_id) REFERENCES orgs (id));
CREATE TABLE links (id VARCHAR(40) PRIMARY KEY, org_id VARCHAR(40) NOT NULL,
  board_id BINARY(16) NOT NULL, card_number BIGINT NOT NULL, tag VARCHAR(100) NOT NULL,
  FOREIGN KEY (org_id) REFERENCES orgs (id),
  FOREIGN KEY (board_id, card_number) REFERENCES cards (board_id, number),
  FOREIGN KEY (org_id, tag) REFERENCES tags (org_id, name));
`;

/** A statement of {@link KEYS_SEED} in MySQL: uuids as their 16 bytes, timestamps as DATETIME text. */
export function mysqlSeed(sql: string): string {
  return sql
    .replace('OVERRIDING_SYSTEM_VALUE', '')
    .replace(
      /'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g,
      (_, uuid: string) => `X'${uuid.replaceAll('-', '')}'`,
    )
    .replace(/'(\d{4}-\d\d-\d\d)T([\d:.]+)Z'/g, "'$1 $2'");
}
