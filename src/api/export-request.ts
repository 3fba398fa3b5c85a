import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import { PortageError, type FieldError } from '../errors/index.js';
import { stringifyJson } from '../formats/index.js';
import { notifyEmailProblem } from '../mail/index.js';
import type { ExportRequest, Purpose } from '../store/index.js';
import { PURPOSE_RULES } from '../store/index.js';
import type { CreateExportBody } from './schemas.js';

/** Whether `notify_email` may be used, and the base URL its mail's link is built on. */
export interface NotifyOptions {
  readonly mailConfigured: boolean;
  readonly baseUrl: string;
}

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
  notify: NotifyOptions = { mailConfigured: false, baseUrl: '' },
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
  if (body.notify_email !== undefined) {
    const problem = notify.mailConfigured
      ? notifyEmailProblem(body.notify_email)
      : 'cannot be used: this Portage sends no mail (PORTAGE_SMTP_URL and PORTAGE_MAIL_FROM are not set)';
    if (problem !== null) errors.push({ pointer: '/notify_email', detail: problem });
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
    notify:
      body.notify_email === undefined
        ? null
        : { email: body.notify_email, baseUrl: notify.baseUrl },
  };
}
