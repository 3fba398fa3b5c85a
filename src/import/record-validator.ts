import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { IncludedCategory } from '../catalog/index.js';
import {
  categoryJsonSchema,
  JsonNumber,
  JsonTextError,
  MAX_JSON_DEPTH,
  parseJson,
} from '../formats/index.js';
import { ImportRefusal } from './import-error.js';

/** Checks parsed records against their category's JSON Schema. */
export class RecordValidator {
  private readonly ajv = new Ajv2020({ allErrors: false, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly catalogVersion: string) {
    addFormats.default(this.ajv);
  }

  /**
   * Parses one line (with {@link parseJson}: no number rounded, duplicate keys
   * refused) and validates it as a record of `category`.
   * @throws {@link ImportRefusal} `schema_violation` naming the file, line and
   * the JSON pointer of the failing field.
   */
  parse(
    category: IncludedCategory,
    path: string,
    line: number,
    text: string,
  ): Record<string, unknown> {
    const record = parseRecord(path, line, text, category);
    const validate = this.validator(category);
    if (!validate(record)) {
      const error = validate.errors?.[0];
      throw new ImportRefusal(
        'schema_violation',
        `${path} line ${line} breaks the schema of "${category.name}": ${describe(error)}.`,
      );
    }
    return record;
  }

  private validator(category: IncludedCategory): ValidateFunction {
    let validate = this.compiled.get(category.name);
    if (validate === undefined) {
      validate = this.ajv.compile(categoryJsonSchema(category, this.catalogVersion));
      this.compiled.set(category.name, validate);
    }
    return validate;
  }
}

/**
 * One line of a data file as a record, read as the export wrote it: with
 * {@link parseJson}, so that a `json` field's numbers keep every digit. A
 * `float` field holds a double, which its shortest text (`1e-7`) gives back
 * exactly: it is read as a number, whatever exact decimal the text spells.
 * A `json` field nests as deeply as the export reads it, {@link MAX_JSON_DEPTH},
 * inside the record's own object.
 * @throws {@link ImportRefusal} `schema_violation` for text that is not such JSON.
 */
export function parseRecord(
  path: string,
  line: number,
  text: string,
  category: IncludedCategory,
): Record<string, unknown> {
  try {
    const record = parseJson(text, MAX_JSON_DEPTH + 1) as Record<string, unknown>;
    for (const name of floatFields(category)) {
      const value = record[name];
      if (value instanceof JsonNumber) record[name] = Number(value.text);
    }
    return record;
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new ImportRefusal(
      'schema_violation',
      `${path} line ${line} is not JSON: ${error.message}.`,
    );
  }
}

const floats = new WeakMap<IncludedCategory, readonly string[]>();

/** The category's `float` fields, found once per category rather than once per record. */
function floatFields(category: IncludedCategory): readonly string[] {
  let names = floats.get(category);
  if (names === undefined) {
    names = category.fields.filter((f) => f.type === 'float').map((f) => f.name);
    floats.set(category, names);
  }
  return names;
}

function describe(error: ErrorObject | undefined): string {
  if (error === undefined) return 'invalid record';
  let pointer = error.instancePath;
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty !== undefined) pointer += `/${escape(params.missingProperty)}`;
  if (params.additionalProperty !== undefined) pointer += `/${escape(params.additionalProperty)}`;
  return `${pointer === '' ? '/' : pointer} ${error.message ?? 'is invalid'}`;
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
