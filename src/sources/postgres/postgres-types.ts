import type { CustomTypesConfig } from 'pg';

type Parse = (text: string) => unknown;

const asText: Parse = (text) => text;
const asNumber: Parse = (text) => Number(text);
/** int8 as a number when it is one exactly (the common case), else its text. */
const asInt8: Parse = (text) => {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
};
const asBoolean: Parse = (text) => text === 't';
const asBytes: Parse = (text) =>
  text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1');

/**
 * Type OIDs parsed into something other than their text. Every other type,
 * including numeric, date, time, timestamp, timestamptz, interval, json,
 * jsonb, uuid and arrays, stays the exact text PostgreSQL printed.
 */
const PARSERS: ReadonlyMap<number, Parse> = new Map([
  [16, asBoolean], // bool
  [17, asBytes], // bytea (hex output, set for every snapshot)
  [20, asInt8], // int8
  [21, asNumber], // int2
  [23, asNumber], // int4
  [26, asNumber], // oid
  [700, asNumber], // float4
  [701, asNumber], // float8
]);

/**
 * The type parsers of every read from a PostgreSQL source, passed on each query
 * (pg's global parsers are left alone). Values reach the value model in the
 * form SQLite gives: booleans as booleans, int2/int4 as numbers, int8 as a
 * number within ±(2^53−1) and as its exact text beyond, numeric as its exact decimal text, dates and timestamps as their text
 * (`2025-03-04 08:20:30.123+00`), json and jsonb as JSON text, bytea as bytes.
 */
export const SOURCE_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number) =>
    PARSERS.get(oid) ?? asText) as CustomTypesConfig['getTypeParser'],
};
