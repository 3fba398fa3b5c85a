import type { PoolClient } from 'pg';
import { SOURCE_TYPES } from './postgres-types.js';
import { TEXT_DECODER, binaryDecoderOf, type BinaryDecode } from './binary-values.js';
import { categorySelect, quoteIdent } from '../sql-text.js';
import type { CategoryRead } from '../types.js';

/** How one category is read, learnt from the types its own query returns. */
export interface ReadPlan {
  /** The quoted names of the order-by columns whose type has a collation (text, varchar, citext, …). */
  readonly collatable: ReadonlySet<string>;
  /**
   * The binary decoder of each selected column, or null when a column's type
   * has none (float4, intervals, arrays, …): the category is then read as text.
   */
  readonly decoders: readonly BinaryDecode[] | null;
}

/** Replaces the catalog's `:tenant` parameter by PostgreSQL's `$1` (a `::cast` is left alone). */
export function withPositionalTenant(sql: string): string {
  return sql.replace(/(?<!:):tenant\b/g, '$1');
}

/**
 * Replaces the catalog's `:tenant` parameter by the tenant as a string
 * literal, for statements that take no parameters (`COPY`). An escape string
 * (`E'…'`) reads the same whatever `standard_conforming_strings` says.
 */
export function withLiteralTenant(sql: string, tenant: string): string {
  const literal = sqlLiteral(tenant);
  return sql.replace(/(?<!:):tenant\b/g, () => literal);
}

/**
 * `text` as an SQL string literal of unknown type, which takes the type of
 * what it is compared with. An escape string (`E'…'`) reads the same whatever
 * `standard_conforming_strings` says; its colons are written as the escape
 * `\072`, so that no `:tenant` is ever found inside a literal.
 */
export function sqlLiteral(text: string): string {
  const escaped = text.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll(':', '\\072');
  return `E'${escaped}'`;
}

/**
 * Types read from their binary form as UTF-8 text, known by their functions
 * rather than by OID (enums, and extension types such as citext, have OIDs of
 * their own database): binary form and printed text are then the same bytes.
 */
const TEXT_LIKE = `s.prolang = 12 AND o.prolang = 12
  AND s.prosrc IN ('textsend', 'varcharsend', 'bpcharsend', 'enum_send')
  AND o.prosrc IN ('textout', 'varcharout', 'bpcharout', 'enum_out')`;

/**
 * Learns, from one describe of the category's query (`LIMIT 0`) and one look
 * at `pg_type`, which order-by columns take `COLLATE "C"` and how each
 * column's binary form is decoded.
 */
export async function planRead(client: PoolClient, read: CategoryRead): Promise<ReadPlan> {
  const probe = categorySelect(
    { ...read, columns: [...read.columns, ...read.orderBy], orderBy: [] },
    (c) => c,
  );
  const described = await client.query({
    text: `SELECT * FROM (${withPositionalTenant(probe)}) AS probe LIMIT 0`,
    values: [read.tenant],
    rowMode: 'array',
  });
  const oids = described.fields.map((f) => f.dataTypeID);
  const typmods = described.fields.map((f) => f.dataTypeModifier);
  const { rows } = await client.query<[number, boolean, boolean]>({
    text: `SELECT t.oid::int4, t.typcollation <> 0, coalesce(${TEXT_LIKE}, false)
           FROM pg_catalog.pg_type t
           LEFT JOIN pg_catalog.pg_proc s ON s.oid = t.typsend
           LEFT JOIN pg_catalog.pg_proc o ON o.oid = t.typoutput
           WHERE t.oid = ANY ($1::oid[])`,
    values: [oids],
    rowMode: 'array',
    types: SOURCE_TYPES,
  });
  const withCollation = new Set(rows.filter((r) => r[1]).map((r) => r[0]));
  const textLike = new Set(rows.filter((r) => r[2]).map((r) => r[0]));
  const width = read.columns.length;
  const collatable = new Set(
    read.orderBy
      .filter((_, i) => withCollation.has(oids[width + i] ?? 0))
      .map((column) => `t0.${quoteIdent(column)}`),
  );
  const decoders: BinaryDecode[] = [];
  for (let i = 0; i < width; i++) {
    const oid = oids[i] ?? 0;
    const decoder =
      binaryDecoderOf(oid, typmods[i] ?? -1) ?? (textLike.has(oid) ? TEXT_DECODER : undefined);
    if (decoder === undefined) return { collatable, decoders: null };
    decoders.push(decoder);
  }
  return { collatable, decoders };
}
