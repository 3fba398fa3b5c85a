import { PortageError } from '../errors/index.js';
import { logExportState, requireTenantAccount } from '../jobs/index.js';
import type { ExportRecord } from '../store/index.js';
import type { ApiContext } from './api-context.js';
import { resolveExportRequest } from './export-request.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import type { CreateExportBody } from './schemas.js';

/** A new (or replayed) export, and the headers its answer carries. */
export interface CreatedExport {
  readonly export: ExportRecord;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Creates a tenant's export as `POST /v1/exports` does, whoever asks (an API
 * key or the customer's page): the request resolved against the catalog, the
 * tenant's account checked, quotas and `Idempotency-Key` honored in the
 * shared database, the new state logged, and the workers woken. `baseUrl` is
 * where links in a mail to `notify_email` point.
 * @throws PortageError `validation_failed`, `tenant_not_found`, `idempotency_key_reused`, `rate_limited`
 */
export async function createExport(
  ctx: ApiContext,
  tenant: string,
  request: CreateExportBody,
  idempotencyKey: string | null,
  baseUrl: string,
): Promise<CreatedExport> {
  const limits = await ctx.store.tenants.limitsOf(tenant, ctx.settings.limits);
  const body = resolveExportRequest(request, ctx.catalog, tenant, idempotencyKey, {
    mailConfigured: ctx.settings.mail !== null,
    baseUrl,
  });
  await requireTenantAccount(ctx, tenant);
  const result = await ctx.store.exports.create(body, limits);
  switch (result.kind) {
    case 'key_reused':
      throw new PortageError(
        'idempotency_key_reused',
        'This Idempotency-Key was used in the last 24 hours with a different body; use a new key for a new export.',
      );
    case 'rate_limited':
      throw new PortageError(
        'rate_limited',
        `This tenant may create ${limits.perDay} exports per 24 hours and ${limits.perMonth} per 30 days; retry in ${result.retryAfter} s.`,
        {
          headers: {
            'Retry-After': String(result.retryAfter),
            ...rateLimitHeaders(result.quotas),
          },
        },
      );
    case 'replayed':
      return { export: result.export, headers: { 'Idempotent-Replayed': 'true' } };
    case 'created':
      await logExportState(ctx, result.export.id);
      await ctx.dispatcher.announce(result.export.id);
      return { export: result.export, headers: rateLimitHeaders(result.quotas) };
  }
}
