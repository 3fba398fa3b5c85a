import type { CustomTypesConfig } from 'pg';

type Parse = (text: string) => unknown;

const asText: Parse = (text) => text;
const asNumber: Parse = (text) => Number(text);
const asBoolean: Parse = (text) => text === 't';
const asBytes: Parse = (text) =>
  text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1');

/**
 * Type OIDs parsed into something other than their text. Every other type,
 * including int8, numeric, date, time, timestamp, timestamptz, interval, json,
 * jsonb, uuid and arrays, stays the exact text PostgreSQL printed.
 */
const PARSERS: ReadonlyMap<number, Parse> = new Map([
  [16, asBoolean], // bool
  [17, asBytes], // bytea (hex output, set for every snapshot)
  [21, asNumber], // int2
  [23, asNumber], // int4
  [26, asNumber], // oid
  [700, asNumber], // float4
  [701, asNumber], // float8
]);

/**
 * The type parsers of every read from a PostgreSQL source, passed on each query
 * (pg's global parsers are left alone). Values reach the value model in the
 * form SQLite gives: booleans as booleans, int2/int4 as numbers, int8 and
 * numeric as their exact decimal text, dates and timestamps as their text
 * (`2025-03-04 08:20:30.123+00`), json and jsonb as JSON text, bytea as bytes.
 */
export const SOURCE_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number) =>
    PARSERS.get(oid) ?? asText) as CustomTypesConfig['getTypeParser'],
};
