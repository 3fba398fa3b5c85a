import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import { PortageError, type FieldError } from '../errors/index.js';
import { stringifyJson } from '../formats/index.js';
import type { ExportRequest, Purpose } from '../store/index.js';
import { PURPOSE_RULES } from './purpose-rules.js';
import type { CreateExportBody } from './schemas.js';

/**
 * Checks a schema-valid body against the contract — formats the purpose
 * allows, categories the catalog exports — and resolves the defaults (CSV
 * formula protection is on for `closure`, whose archives are read in
 * spreadsheets, and off otherwise, unless the request says). Throws a 422
 * problem listing every field at fault.
 */
export function resolveExportRequest(
  body: CreateExportBody,
  catalog: Catalog,
  tenantId: string,
  idempotencyKey: string | null,
): ExportRequest {
  const purpose = body.purpose as Purpose;
  const rules = PURPOSE_RULES[purpose];
  const errors: FieldError[] = [];
  const formats = body.formats ?? rules.defaults;
  formats.forEach((format, i) => {
    if (!rules.allowed.includes(format)) {
      errors.push({
        pointer: `/formats/${i}`,
        detail: `"${format}" is not allowed for purpose "${purpose}" (allowed: ${rules.allowed.join(', ')})`,
      });
    }
  });
  const included = catalog.categories.filter((c) => c.included).map((c) => c.name);
  (body.categories ?? []).forEach((name, i) => {
    const category = catalog.categories.find((c) => c.name === name);
    if (category === undefined) {
      errors.push({
        pointer: `/categories/${i}`,
        detail: `"${name}" is not a category of the catalog (known: ${included.join(', ')})`,
      });
    } else if (!category.included) {
      errors.push({
        pointer: `/categories/${i}`,
        detail: `"${name}" is never exported: ${category.reason}`,
      });
    }
  });
  if (body.csv !== undefined && !formats.includes('csv')) {
    errors.push({ pointer: '/csv', detail: 'CSV options need the "csv" format' });
  }
  if (errors.length > 0)
    throw new PortageError('validation_failed', 'The export request is invalid.', { errors });

  const requested = new Set(body.categories ?? included);
  return {
    tenantId,
    purpose,
    formats,
    categories: included.filter((name) => requested.has(name)),
    csv: {
      bom: body.csv?.bom ?? false,
      formulaProtection: body.csv?.formula_protection ?? purpose === 'closure',
    },
    idempotencyKey,
    requestHash: createHash('sha256').update(stringifyJson(body)).digest('hex'),
  };
}
