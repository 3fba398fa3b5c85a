import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

/**
 * Kysely's classes and functions, from its CommonJS build. Its ES-module
 * build is about 260 files, which Node resolves, reads and links one by one
 * at every start of every command; the same code required loads in about half
 * the time. Every module of Portage, its tests too, takes Kysely's values from
 * here, so that one build is loaded and `instanceof` (an adapter's class)
 * holds; types still come from `kysely`.
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
} = kysely;

// The classes are types as well as values, as they are where Kysely declares them.
export type CompiledQuery<O = unknown> = KyselyModule.CompiledQuery<O>;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
export type PostgresAdapter = KyselyModule.PostgresAdapter;
export type PostgresDialect = KyselyModule.PostgresDialect;
export type SqliteAdapter = KyselyModule.SqliteAdapter;
export type SqliteDialect = KyselyModule.SqliteDialect;
export type SqliteDriver = KyselyModule.SqliteDriver;
