import {
  DEFAULT_TIMESTAMP_PRECISION,
  type CatalogField,
  type FieldType,
  type IncludedCategory,
} from '../catalog/index.js';
import type { JsonValue } from './types.js';

/** A JSON object, such as a JSON Schema document. */
export type JsonObject = { [key: string]: JsonValue };

/** The JSON Schema dialect every category schema declares. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Archive path of a category's JSON Schema: `schemas/<category>.schema.json`. */
export function schemaPath(category: string): string {
  return `schemas/${category}.schema.json`;
}

const TYPE_SCHEMAS: { readonly [type in FieldType]: (field: CatalogField) => JsonObject } = {
  string: () => ({ type: 'string' }),
  integer: () => ({
    type: 'integer',
    minimum: -Number.MAX_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
  }),
  bigint: () => ({ type: 'string', pattern: '^-?[0-9]+$' }),
  decimal: (field) => ({ type: 'string', pattern: decimalPattern(field) }),
  float: () => ({ type: 'number' }),
  boolean: () => ({ type: 'boolean' }),
  timestamp: (field) => {
    const digits = field.precision ?? DEFAULT_TIMESTAMP_PRECISION;
    const fraction = digits === 0 ? '' : `\\.[0-9]{${digits}}`;
    return {
      type: 'string',
      format: 'date-time',
      pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}${fraction}Z$`,
    };
  },
  date: () => ({ type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  json: () => ({}),
  uuid: () => ({
    type: 'string',
    format: 'uuid',
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  }),
  bytes: () => ({
    type: 'string',
    contentEncoding: 'base64',
    pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
  }),
};

/**
 * A decimal's text: no leading zero, exactly `scale` digits after the point,
 * and at most `precision − scale` before it when the precision is declared.
 */
function decimalPattern(field: CatalogField): string {
  const scale = field.scale ?? 0;
  const whole = field.precision === null ? null : field.precision - scale;
  const integer =
    whole === null ? '(0|[1-9][0-9]*)' : whole === 0 ? '0' : `(0|[1-9][0-9]{0,${whole - 1}})`;
  return `^-?${integer}${scale === 0 ? '' : `\\.[0-9]{${scale}}`}$`;
}

/**
 * The JSON Schema (2020-12) of one record of a category, exactly as the `json`
 * and `jsonl` encoders write it: an object with every field present
 * (`required`), no other key (`additionalProperties: false`), and per field:
 *
 * - `string` → `string`; `boolean` → `boolean`;
 * - `integer` → `integer` within ±(2^53−1);
 * - `bigint` → `string` matching `^-?[0-9]+$`;
 * - `decimal` → `string` with no leading zero and exactly `scale` digits after
 *   the point (none and no point for scale 0), at most `precision − scale`
 *   before it when `precision` is declared;
 * - `float` → `number`;
 * - `timestamp` → `string`, `format: date-time`, matching
 *   `YYYY-MM-DDTHH:mm:ss.f…Z` with exactly `precision` fractional digits (none and no point for 0);
 * - `uuid` → `string`, `format: uuid`, lowercase `8-4-4-4-12`;
 * - `bytes` → `string`, `contentEncoding: base64`, standard padded base64;
 * - `date` → `string`, `format: date`, matching `YYYY-MM-DD`;
 * - `json` → any JSON value (no `type`);
 * - a nullable field allows `null` as well (`type: [T, "null"]`).
 *
 * Properties are listed in catalog order; the result is built only from the
 * catalog, so the same catalog always gives the same bytes.
 *
 * @param catalogVersion - Recorded in the schema's `$comment`.
 */
export function categoryJsonSchema(category: IncludedCategory, catalogVersion: string): JsonObject {
  const properties: JsonObject = {};
  for (const field of category.fields) properties[field.name] = fieldSchema(field);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaPath(category.name),
    $comment: `Catalog version ${catalogVersion}`,
    title: category.title,
    description: category.description,
    type: 'object',
    properties,
    required: category.fields.map((field) => field.name),
    additionalProperties: false,
  };
}

function fieldSchema(field: CatalogField): JsonObject {
  const schema = TYPE_SCHEMAS[field.type](field);
  if (field.nullable && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  return { description: field.description, ...schema };
}
