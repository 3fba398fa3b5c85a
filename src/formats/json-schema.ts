import type { CatalogField, FieldType, IncludedCategory } from '../catalog/index.js';
import type { JsonValue } from './types.js';

/** A JSON object, such as a JSON Schema document. */
export type JsonObject = { [key: string]: JsonValue };

/** The JSON Schema dialect every category schema declares. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Archive path of a category's JSON Schema: `schemas/<category>.schema.json`. */
export function schemaPath(category: string): string {
  return `schemas/${category}.schema.json`;
}

const TYPE_SCHEMAS: { readonly [type in FieldType]: () => JsonObject } = {
  string: () => ({ type: 'string' }),
  integer: () => ({
    type: 'integer',
    minimum: -Number.MAX_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
  }),
  bigint: () => ({ type: 'string', pattern: '^-?[0-9]+$' }),
  decimal: () => ({ type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' }),
  boolean: () => ({ type: 'boolean' }),
  timestamp: () => ({
    type: 'string',
    format: 'date-time',
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$',
  }),
  date: () => ({ type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  json: () => ({}),
  float: () => ({ type: 'number' }),
  uuid: () => ({
    type: 'string',
    format: 'uuid',
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  }),
  bytes: () => ({ type: 'string', contentEncoding: 'base64' }),
};

/**
 * The JSON Schema (2020-12) of one record of a category, exactly as the `json`
 * and `jsonl` encoders write it: an object with every field present
 * (`required`), no other key (`additionalProperties: false`), and per field:
 *
 * - `string` → `string`; `boolean` → `boolean`;
 * - `integer` → `integer` within ±(2^53−1);
 * - `bigint` → `string` matching `^-?[0-9]+$`;
 * - `decimal` → `string` matching `^-?[0-9]+(\.[0-9]+)?$`;
 * - `timestamp` → `string`, `format: date-time`, matching `YYYY-MM-DDTHH:mm:ss.sssZ`;
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
  const schema = TYPE_SCHEMAS[field.type]();
  if (field.nullable && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  return { description: field.description, ...schema };
}
