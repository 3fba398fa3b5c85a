import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PortageError } from '../errors/index.js';
import { importUploadKey } from '../jobs/import-upload.js';
import { logImportState } from '../jobs/lifecycle-log.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import type { ObjectStore } from '../storage/index.js';
import type { ImportRecord, QuotaState } from '../store/index.js';
import type { ApiContext } from './api-context.js';
import { rateLimitHeaders } from './rate-limit-headers.js';

/** How an uploaded bundle is imported. */
export interface ImportChoice {
  readonly mode: 'preserve' | 'remap';
  /** Check and report, write nothing. */
  readonly dryRun: boolean;
}

/**
 * Accepts a tenant's bundle upload as `POST /v1/imports` does, whoever sends
 * it (an API key or the customer's page): the account and the daily quota
 * checked before a byte is read, the upload streamed into the object store
 * (where any process finds it), the import recorded and handed to the runner.
 * @throws PortageError `tenant_not_found`, `rate_limited`, `payload_too_large`, `validation_failed`
 */
export async function acceptImport(
  ctx: ApiContext,
  tenant: string,
  body: Readable,
  options: ImportChoice,
): Promise<{ record: ImportRecord; headers: Readonly<Record<string, string>> }> {
  await requireTenantAccount(ctx, tenant);
  const { perDay } = ctx.settings.importLimits;
  // Checked before the upload is read, so that a spent quota costs no transfer.
  const before = await ctx.store.imports.quota(tenant, perDay);
  if (before.remaining <= 0) throw overQuota(before);
  const id = ctx.store.imports.newId();
  // The upload goes to the object store, where whichever process claims the import finds it.
  const uploadKey = importUploadKey(id);
  const bytes = await receive(body, ctx.storage, uploadKey, ctx.settings.importMaxBytes);
  const record = await ctx.store.imports.createWithinQuota(
    {
      id,
      tenantId: tenant,
      mode: options.mode,
      dryRun: options.dryRun,
      uploadKey,
      uploadBytes: bytes,
    },
    perDay,
  );
  if (record === null) {
    await ctx.storage.delete(uploadKey);
    throw overQuota(await ctx.store.imports.quota(tenant, perDay));
  }
  await logImportState(ctx, record.id);
  ctx.importRunner.submit(record);
  const after = await ctx.store.imports.quota(tenant, perDay);
  return { record, headers: rateLimitHeaders([after]) };
}

/** The 429 of a spent daily import quota, with the same headers as exports'. */
function overQuota(quota: QuotaState): PortageError {
  return new PortageError(
    'rate_limited',
    `This tenant may create ${quota.limit} imports per 24 hours; retry in ${quota.resetSeconds} s.`,
    {
      headers: { 'Retry-After': String(quota.resetSeconds), ...rateLimitHeaders([quota]) },
    },
  );
}

/**
 * Streams the upload into the object store under `key`, published once whole
 * and verified; refuses it (leaving nothing stored) past `limit` bytes or empty.
 */
async function receive(
  body: Readable,
  storage: ObjectStore,
  key: string,
  limit: number,
): Promise<number> {
  let bytes = 0;
  const hash = createHash('sha256');
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) {
        done(
          new PortageError(
            'payload_too_large',
            `The archive is larger than the ${limit} bytes an import accepts.`,
          ),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const pending = await storage.beginWrite(key);
  try {
    await pipeline(body, counter, pending.writable);
    if (bytes === 0)
      throw new PortageError('validation_failed', 'The body is empty; send a bundle archive.');
    await pending.publish({ bytes, sha256: hash.digest('hex') });
  } catch (error) {
    await pending.abort();
    throw error;
  }
  return bytes;
}
