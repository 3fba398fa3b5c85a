import {
  DEFAULT_TIMESTAMP_PRECISION,
  FIELD_TYPES,
  type CatalogField,
  type CategorySource,
  type FieldType,
  type NewKeyRule,
} from './types.js';
import type { YamlPath, YamlReader } from './yaml-reader.js';

const FIELD_KEYS = [
  'name',
  'type',
  'nullable',
  'description',
  'precision',
  'scale',
  'computed',
  'platform_owned',
  'new_key',
  'import_default',
];

/** Largest total digits of a `decimal` (PostgreSQL's declared numeric limit). */
const MAX_DECIMAL_DIGITS = 1000;

/** What a field's defaults depend on: the category it belongs to. */
export interface FieldContext {
  /** The account's display field when the category is the account; null otherwise. */
  readonly displayField: string | null;
  readonly platformOwned: boolean;
  readonly primaryKey: readonly string[];
  readonly source: CategorySource;
}

/**
 * Reads one exported field. Its `newKey` is what the field declares; the
 * category completes it once its references are known ({@link completeNewKeys}).
 */
export function readField(r: YamlReader, path: YamlPath, context: FieldContext): CatalogField {
  r.rejectUnknownKeys(path, FIELD_KEYS);
  const name = r.string([...path, 'name']);
  const typeText = r.string([...path, 'type']);
  let type = typeText as FieldType;
  if (typeText !== '' && !(FIELD_TYPES as readonly string[]).includes(typeText)) {
    r.fail([...path, 'type'], `must be one of ${FIELD_TYPES.join(', ')} (got "${typeText}")`);
    type = 'string';
  }
  const { precision, scale } = readNumberShape(r, path, type);
  const computed = r.string([...path, 'computed'], null);
  if (computed !== null && context.source.kind !== 'query') {
    r.fail(
      [...path, 'computed'],
      'only a query source can compute a field; a table source selects columns',
    );
  }
  const isKey = context.primaryKey.includes(name);
  if (computed !== null && isKey) r.fail([...path, 'computed'], 'a primary-key field is a column');
  const ownedByDefault =
    context.displayField !== null ? !isKey && name !== context.displayField : context.platformOwned;
  const importDefault = r.has([...path, 'import_default'])
    ? { importDefault: { value: r.scalar([...path, 'import_default']) ?? null } }
    : {};
  return {
    name,
    type,
    nullable: r.boolean([...path, 'nullable'], false),
    description: r.string([...path, 'description']),
    precision,
    scale,
    computed,
    platformOwned: r.boolean([...path, 'platform_owned'], ownedByDefault),
    newKey: readNewKey(r, [...path, 'new_key'], type, isKey),
    ...importDefault,
  };
}

function readNumberShape(
  r: YamlReader,
  path: YamlPath,
  type: FieldType,
): { precision: number | null; scale: number | null } {
  if (type === 'timestamp') {
    if (r.has([...path, 'scale'])) r.fail([...path, 'scale'], 'applies to decimal fields only');
    const precision = r.integer([...path, 'precision'], 0, 6);
    return { precision: precision ?? DEFAULT_TIMESTAMP_PRECISION, scale: null };
  }
  if (type === 'decimal') {
    const scale = r.integer([...path, 'scale'], 0, MAX_DECIMAL_DIGITS);
    if (scale === null && !r.has([...path, 'scale'])) {
      r.fail(
        [...path, 'scale'],
        'is required for a decimal: the digits after the point every value is written with',
      );
    }
    const precision = r.integer([...path, 'precision'], 1, MAX_DECIMAL_DIGITS);
    if (precision !== null && scale !== null && precision < scale) {
      r.fail([...path, 'precision'], `must be at least the scale (${scale})`);
    }
    return { precision, scale };
  }
  for (const key of ['precision', 'scale']) {
    if (r.has([...path, key]))
      r.fail([...path, key], 'applies to timestamp and decimal fields only');
  }
  return { precision: null, scale: null };
}

function readNewKey(
  r: YamlReader,
  path: YamlPath,
  type: FieldType,
  isKey: boolean,
): NewKeyRule | null {
  const declared = r.string(path, null);
  if (declared === null) return null;
  if (!isKey) {
    r.fail(path, 'applies to primary-key fields only');
    return null;
  }
  if (declared === 'keep') return { kind: 'keep' };
  if (declared === 'uuid' && (type === 'uuid' || type === 'string')) return { kind: 'uuid' };
  if (declared === 'sequence' && (type === 'integer' || type === 'bigint')) {
    return { kind: 'sequence' };
  }
  r.fail(
    path,
    `must be "keep", "uuid" (uuid and string keys) or "sequence" (integer and bigint keys); got "${declared}"`,
  );
  return null;
}
